package io.github.mae4j.torch.internal;

import java.util.List;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.OptimizerParamGroup;
import org.bytedeco.pytorch.OptimizerParamGroupVector;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/**
 * Builds every AdamW the project runs (pretraining and fine-tuning), and is the only place that reads or writes
 * {@code AdamWOptions.betas()}.
 *
 * <p>Why this exists: the presets expose libtorch's {@code std::tuple<double, double> betas} as a bare
 * {@link DoublePointer}, and libstdc++ lays a tuple's elements out in reverse order, so {@code betas().get(0)} is
 * β2. Writing {@code put(0, β1).put(1, β2)} — the obvious code — silently swaps them (it did in mae4j before
 * 0.3). The element order is not guessed here: it is read once from the options' C++ defaults (β1 = 0.9,
 * β2 = 0.999), and every optimizer built is read back and checked.
 */
public final class AdamWFactory {
  /** libtorch's default AdamW betas, used to discover how the tuple is laid out. */
  private static final double DEFAULT_BETA1 = 0.9;
  private static final double DEFAULT_BETA2 = 0.999;
  private static volatile int beta1Index = -1;

  /** One parameter group: its tensors, its weight decay. */
  public record Group(List<Tensor> params, double weightDecay) {
    public Group {
      params = List.copyOf(params);
    }
  }

  /** The hyperparameters shared by every group. */
  public record Hyper(double lr, double beta1, double beta2, double eps) {
    public Hyper {
      if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
        throw new IllegalArgumentException("AdamW betas must be in [0, 1), got (" + beta1 + ", " + beta2 + ")");
      }
      if (!(eps > 0) || !(lr >= 0)) {
        throw new IllegalArgumentException("AdamW needs lr ≥ 0 and eps > 0, got lr " + lr + ", eps " + eps);
      }
    }
  }

  private AdamWFactory() {}

  /**
   * An AdamW over {@code groups} (empty groups skipped) with {@code hyper}; checked by reading every group's
   * options back.
   *
   * @throws IllegalArgumentException when every group is empty
   */
  public static AdamW create(List<Group> groups, Hyper hyper) {
    AdamW opt = null;
    for (Group g : groups) {
      if (g.params().isEmpty()) {
        continue;
      }
      TensorVector params = new TensorVector(g.params().toArray(new Tensor[0]));
      AdamWOptions o = new AdamWOptions(hyper.lr());
      setBetas(o, hyper.beta1(), hyper.beta2());
      o.eps().put(hyper.eps());
      o.weight_decay().put(g.weightDecay());
      if (opt == null) {
        opt = new AdamW(params, o);
      } else {
        opt.add_param_group(new OptimizerParamGroup(params, o));
      }
    }
    if (opt == null) {
      throw new IllegalArgumentException("AdamW needs at least one parameter, got none");
    }
    enforce(opt, hyper.beta1(), hyper.beta2(), hyper.eps());
    return opt;
  }

  /**
   * Sets β1, β2 and eps on every group of {@code opt} and checks them by reading them back. Call it after loading
   * an optimizer state: libtorch's archive restores the options it was saved with (checkpoints written before the
   * betas fix carry swapped betas).
   *
   * @throws IllegalStateException when a group does not read back what was set
   */
  public static void enforce(AdamW opt, double beta1, double beta2, double eps) {
    OptimizerParamGroupVector groups = opt.param_groups();
    for (long i = 0; i < groups.size(); i++) {
      AdamWOptions o = new AdamWOptions(groups.get(i).options());
      setBetas(o, beta1, beta2);
      o.eps().put(eps);
    }
    for (long i = 0; i < groups.size(); i++) {
      double[] b = betas(opt, (int) i);
      double e = new AdamWOptions(groups.get(i).options()).eps().get();
      if (b[0] != beta1 || b[1] != beta2 || e != eps) {
        throw new IllegalStateException("AdamW group " + i + " reads back betas (" + b[0] + ", " + b[1] + "), eps "
            + e + " after (" + beta1 + ", " + beta2 + "), eps " + eps + " were set");
      }
    }
  }

  /** Writes {@code (beta1, beta2)} into {@code o} in the tuple's own element order. */
  public static void setBetas(AdamWOptions o, double beta1, double beta2) {
    int i1 = beta1Index();
    DoublePointer p = o.betas();
    p.put(i1, beta1);
    p.put(1 - i1, beta2);
  }

  /** {@code {β1, β2}} of {@code o}. */
  public static double[] betas(AdamWOptions o) {
    int i1 = beta1Index();
    DoublePointer p = o.betas();
    return new double[] {p.get(i1), p.get(1 - i1)};
  }

  /** {@code {β1, β2}} that group {@code group} of {@code opt} runs with. */
  public static double[] betas(AdamW opt, int group) {
    return betas(new AdamWOptions(opt.param_groups().get(group).options()));
  }

  /** The weight decay group {@code group} of {@code opt} runs with. */
  public static double weightDecay(AdamW opt, int group) {
    return new AdamWOptions(opt.param_groups().get(group).options()).weight_decay().get();
  }

  /** The pointer index at which β1 lives, found from the C++ defaults (0.9, 0.999). */
  static int beta1Index() {
    int i = beta1Index;
    if (i < 0) {
      try (AdamWOptions defaults = new AdamWOptions()) {
        DoublePointer p = defaults.betas();
        double first = p.get(0);
        double second = p.get(1);
        if (first == DEFAULT_BETA1 && second == DEFAULT_BETA2) {
          i = 0;
        } else if (first == DEFAULT_BETA2 && second == DEFAULT_BETA1) {
          i = 1;
        } else {
          throw new IllegalStateException("AdamWOptions.betas() reads (" + first + ", " + second
              + ") on default options, expected 0.9 and 0.999 in some order: this libtorch build lays the tuple"
              + " out in a way mae4j does not know");
        }
      }
      beta1Index = i;
    }
    return i;
  }
}
