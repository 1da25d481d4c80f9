package io.github.mae4j.torch.internal;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Dispatcher;
import org.bytedeco.pytorch.GenericList;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.OperatorHandle;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorType;
import org.bytedeco.pytorch.Type;
import org.bytedeco.pytorch.global.torch;
import org.jspecify.annotations.Nullable;

/**
 * AdamW through ATen's fused kernel {@code aten::_fused_adamw_} — what PyTorch runs for
 * {@code torch.optim.AdamW(fused=True)}: one vectorized pass reads each parameter, gradient and both moments and
 * writes them back, where libtorch's C++ AdamW makes a dozen element-wise passes per tensor. Measured on a ViT-B MAE's
 * 112 M parameters (2 threads): 0.09 s per update against 0.21–0.31 s (see docs/benchmarks.md).
 *
 * <p>The presets do not bind the underscore operators, so the kernel is called through the dispatcher's boxed
 * calling convention with the operator's schema: {@code (Tensor[] self, Tensor[] grads, Tensor[] exp_avgs,
 * Tensor[] exp_avg_sqs, Tensor[] max_exp_avg_sqs, Tensor[] state_steps, *, float lr, float beta1, float beta2,
 * float weight_decay, float eps, bool amsgrad, bool maximize, Tensor? grad_scale, Tensor? found_inf)}. As in
 * PyTorch, each parameter's step count is a float scalar tensor on its device, incremented before the call.
 *
 * <p>State (created at a parameter's first update, as libtorch does) is kept alive past the step's
 * {@link PointerScope} with {@code retainReference} and released by {@link #close()}.
 */
public final class FusedAdamW implements TrainingAdamW {
  /** The ATen operator this class calls. */
  static final String OPERATOR = "aten::_fused_adamw_";
  private static volatile @Nullable OperatorHandle handle;
  private static volatile @Nullable Boolean available;

  final List<List<Tensor>> params = new ArrayList<>();
  final double[] lr;
  final double[] weightDecay;
  final double beta1;
  final double beta2;
  final double eps;
  /** Per group and parameter: exp_avg, exp_avg_sq, float step tensor; null until the first update. */
  final Tensor[][] expAvg;
  final Tensor[][] expAvgSq;
  final Tensor[][] stepTensor;
  final long[][] steps;
  private boolean closed;

  FusedAdamW(List<AdamWFactory.Group> groups, AdamWFactory.Hyper hyper) {
    for (AdamWFactory.Group g : groups) {
      if (!g.params().isEmpty()) {
        params.add(g.params());
      }
    }
    if (params.isEmpty()) {
      throw new IllegalArgumentException("AdamW needs at least one parameter, got none");
    }
    int n = params.size();
    lr = new double[n];
    weightDecay = new double[n];
    int k = 0;
    for (AdamWFactory.Group g : groups) {
      if (!g.params().isEmpty()) {
        lr[k] = hyper.lr();
        weightDecay[k++] = g.weightDecay();
      }
    }
    beta1 = hyper.beta1();
    beta2 = hyper.beta2();
    eps = hyper.eps();
    expAvg = new Tensor[n][];
    expAvgSq = new Tensor[n][];
    stepTensor = new Tensor[n][];
    steps = new long[n][];
    for (int g = 0; g < n; g++) {
      int size = params.get(g).size();
      expAvg[g] = new Tensor[size];
      expAvgSq[g] = new Tensor[size];
      stepTensor[g] = new Tensor[size];
      steps[g] = new long[size];
    }
  }

  /** Whether this libtorch has the fused AdamW kernel (looked up once). */
  public static boolean available() {
    Boolean a = available;
    if (a == null) {
      try {
        handle = Dispatcher.singleton().findSchemaOrThrow(OPERATOR, "");
        a = true;
      } catch (RuntimeException e) {
        a = false;
      }
      available = a;
    }
    return a;
  }

  @Override
  public void step() {
    checkOpen();
    try (PointerScope ignored = new PointerScope()) {
      for (int g = 0; g < params.size(); g++) {
        List<Tensor> p = new ArrayList<>();
        List<Tensor> grads = new ArrayList<>();
        List<Tensor> m = new ArrayList<>();
        List<Tensor> v = new ArrayList<>();
        List<Tensor> s = new ArrayList<>();
        List<Tensor> group = params.get(g);
        for (int i = 0; i < group.size(); i++) {
          Tensor param = group.get(i);
          Tensor grad = param.grad();
          if (!grad.defined()) {
            continue;
          }
          if (expAvg[g][i] == null) {
            initState(g, i, param);
          }
          steps[g][i]++;
          stepTensor[g][i].add_(new Scalar(1.0));
          p.add(param);
          grads.add(grad.is_contiguous() ? grad : grad.contiguous());
          m.add(expAvg[g][i]);
          v.add(expAvgSq[g][i]);
          s.add(stepTensor[g][i]);
        }
        if (!p.isEmpty()) {
          call(p, grads, m, v, s, lr[g], weightDecay[g]);
        }
      }
    }
  }

  private void initState(int g, int i, Tensor param) {
    Tensor m = torch.zeros_like(param);
    Tensor v = torch.zeros_like(param);
    Tensor s0 = torch.zeros(new long[0], new TensorOptions(torch.ScalarType.Float));
    Tensor s = param.device().is_cpu() ? s0 : s0.to(param.device(), torch.ScalarType.Float);
    m.retainReference();
    v.retainReference();
    s.retainReference();
    expAvg[g][i] = m;
    expAvgSq[g][i] = v;
    stepTensor[g][i] = s;
  }

  private void call(List<Tensor> p, List<Tensor> grads, List<Tensor> m, List<Tensor> v, List<Tensor> s,
      double groupLr, double groupWd) {
    OperatorHandle op = handle;
    if (op == null) {
      throw new IllegalStateException(OPERATOR + " is not available in this libtorch");
    }
    IValueVector stack = new IValueVector(
        new IValue(list(p)), new IValue(list(grads)), new IValue(list(m)), new IValue(list(v)),
        new IValue(list(List.of())), new IValue(list(s)),
        new IValue(groupLr), new IValue(beta1), new IValue(beta2), new IValue(groupWd), new IValue(eps),
        new IValue(false), new IValue(false), new IValue(), new IValue());
    op.callBoxed(stack);
  }

  private static GenericList list(List<Tensor> tensors) {
    GenericList l = new GenericList(new Type.TypePtr(TensorType.get()));
    l.reserve(tensors.size());
    for (Tensor t : tensors) {
      l.push_back(new IValue(t));
    }
    return l;
  }

  @Override
  public void zeroGrad() {
    checkOpen();
    for (List<Tensor> group : params) {
      for (Tensor param : group) {
        Tensor grad = param.mutable_grad();
        if (grad.defined()) {
          grad.detach_();
          grad.reset();
        }
      }
    }
  }

  @Override
  public int groupCount() {
    return params.size();
  }

  @Override
  public double lr(int group) {
    return lr[group];
  }

  @Override
  public void setLr(int group, double value) {
    lr[group] = value;
  }

  @Override
  public double[] betas(int group) {
    return new double[] {beta1, beta2};
  }

  @Override
  public double weightDecay(int group) {
    return weightDecay[group];
  }

  @Override
  public String kind() {
    return "fused";
  }

  @Override
  public byte[] saveState() {
    checkOpen();
    return AdamWArchive.write(this);
  }

  @Override
  public void loadState(byte[] state) {
    checkOpen();
    AdamWArchive.read(state, this);
  }

  /**
   * Checks that saved moments fit parameter {@code i} of group {@code g}.
   *
   * @throws IllegalArgumentException naming both shapes when they differ
   */
  void checkState(int g, int i, Tensor m, Tensor v) {
    long[] p = params.get(g).get(i).sizes().vec().get();
    long[] ms = m.sizes().vec().get();
    long[] vs = v.sizes().vec().get();
    if (!java.util.Arrays.equals(ms, p) || !java.util.Arrays.equals(vs, p)) {
      throw new IllegalArgumentException("the saved optimizer state of group " + g + ", parameter " + i
          + " has shape " + java.util.Arrays.toString(ms) + ", the parameter " + java.util.Arrays.toString(p));
    }
  }

  /** Replaces the state of parameter {@code i} of group {@code g} (copies of the tensors are kept). */
  void setState(int g, int i, long step, Tensor m, Tensor v) {
    checkState(g, i, m, v);
    Tensor param = params.get(g).get(i);
    releaseState(g, i);
    initState(g, i, param);
    expAvg[g][i].copy_(m);
    expAvgSq[g][i].copy_(v);
    stepTensor[g][i].fill_(new Scalar((double) step));
    steps[g][i] = step;
  }

  /** Forgets the state of parameter {@code i} of group {@code g}. */
  void releaseState(int g, int i) {
    for (Tensor[][] t : new Tensor[][][] {expAvg, expAvgSq, stepTensor}) {
      if (t[g][i] != null) {
        t[g][i].releaseReference();
        t[g][i] = null;
      }
    }
    steps[g][i] = 0;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this AdamW is closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      for (int g = 0; g < params.size(); g++) {
        for (int i = 0; i < params.get(g).size(); i++) {
          releaseState(g, i);
        }
      }
    }
  }
}
