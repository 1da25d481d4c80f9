package io.github.mae4j.torch.io.pth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.jspecify.annotations.Nullable;

/**
 * AdamW state in the layout of PyTorch's {@code optimizer.state_dict()}, so a trainer can save and restore it
 * exactly and a Python {@code torch.optim.AdamW.load_state_dict} accepts it:
 *
 * <pre>{@code
 * {'state': {0: {'step': tensor(12.), 'exp_avg': Tensor, 'exp_avg_sq': Tensor}, 1: {...}, ...},
 *  'param_groups': [{'lr': 1.5e-4, 'betas': [0.9, 0.95], 'eps': 1e-8, 'weight_decay': 0.05,
 *                    'amsgrad': False, 'maximize': False, 'foreach': None, 'capturable': False,
 *                    'params': [0, 1, ...], ...extra keys such as 'lr_scale'}]}
 * }</pre>
 *
 * Parameter indices count across groups in order, as in PyTorch; {@code step} is a 0-dim float32 tensor (what
 * torch ≥ 1.12 requires). Parameters without state (never stepped) are simply absent from {@code 'state'}.
 */
public final class AdamWStateDict {
  /** One parameter's moments after {@code step} updates. */
  public record Moments(double step, Tensor expAvg, Tensor expAvgSq) {}

  /**
   * One parameter group.
   *
   * @param params indices of its parameters in the optimizer's global order
   * @param extra further keys written as they are (e.g. {@code lr_scale}, {@code weight_decay} overrides)
   */
  public record Group(double lr, double beta1, double beta2, double eps, double weightDecay, List<Long> params,
      Map<String, @Nullable Object> extra) {
    public Group {
      params = List.copyOf(params);
      extra = new LinkedHashMap<>(extra);
    }
  }

  private AdamWStateDict() {}

  /** The PyTorch-layout map for {@link TorchCheckpoint#write}; the moments are referenced, not copied. */
  public static Map<String, Object> toStateDict(Map<Long, Moments> state, List<Group> groups) {
    Map<Long, Object> s = new LinkedHashMap<>();
    state.forEach((i, m) -> {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("step", torch.scalar_tensor(new Scalar(m.step())));
      entry.put("exp_avg", m.expAvg());
      entry.put("exp_avg_sq", m.expAvgSq());
      s.put(i, entry);
    });
    List<Object> g = new ArrayList<>();
    for (Group group : groups) {
      Map<String, @Nullable Object> m = new LinkedHashMap<>();
      m.put("lr", group.lr());
      m.put("betas", List.of(group.beta1(), group.beta2()));
      m.put("eps", group.eps());
      m.put("weight_decay", group.weightDecay());
      m.put("amsgrad", false);
      m.put("maximize", false);
      m.put("foreach", null);
      m.put("capturable", false);
      m.putAll(group.extra());
      m.put("params", group.params());
      g.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("state", s);
    out.put("param_groups", g);
    return out;
  }

  /**
   * The moments of an optimizer state dict read by {@link TorchCheckpoint#read}, by parameter index.
   *
   * @throws CheckpointFormatException naming the entry that does not have the AdamW layout
   */
  public static Map<Long, Moments> moments(Map<?, ?> stateDict) throws CheckpointFormatException {
    Map<Long, Moments> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map(stateDict.get("state"), "'state'").entrySet()) {
      if (!(e.getKey() instanceof Long i)) {
        throw new CheckpointFormatException("optimizer state key " + PickleCalls.describe(e.getKey()) + " is not an int");
      }
      Map<?, ?> m = map(e.getValue(), "state " + i);
      Object step = m.get("step");
      double s = step instanceof Tensor t ? t.item_double() : step instanceof Number n ? n.doubleValue()
          : Double.NaN;
      if (Double.isNaN(s) || !(m.get("exp_avg") instanceof Tensor a) || !(m.get("exp_avg_sq") instanceof Tensor b)) {
        throw new CheckpointFormatException("optimizer state " + i + " lacks step/exp_avg/exp_avg_sq; keys " + m.keySet());
      }
      out.put(i, new Moments(s, a, b));
    }
    return out;
  }

  /**
   * The parameter groups of an optimizer state dict; keys other than the AdamW hyper-parameters go to
   * {@link Group#extra()}.
   *
   * @throws CheckpointFormatException naming the group or key that does not have the AdamW layout
   */
  public static List<Group> groups(Map<?, ?> stateDict) throws CheckpointFormatException {
    if (!(stateDict.get("param_groups") instanceof List<?> list)) {
      throw new CheckpointFormatException("optimizer state dict has no 'param_groups' list");
    }
    List<Group> out = new ArrayList<>();
    for (Object o : list) {
      Map<?, ?> g = map(o, "param group " + out.size());
      List<Long> params = new ArrayList<>();
      if (!(g.get("params") instanceof List<?> ps)) {
        throw new CheckpointFormatException("param group " + out.size() + " has no 'params' list");
      }
      for (Object p : ps) {
        params.add(number(p, "params").longValue());
      }
      if (!(g.get("betas") instanceof List<?> betas) || betas.size() != 2) {
        throw new CheckpointFormatException("param group " + out.size() + " has no (beta1, beta2)");
      }
      Map<String, @Nullable Object> extra = new LinkedHashMap<>();
      g.forEach((k, v) -> {
        if (!List.of("lr", "betas", "eps", "weight_decay", "params").contains(k)) {
          extra.put(String.valueOf(k), v);
        }
      });
      out.add(new Group(number(g.get("lr"), "lr").doubleValue(), number(betas.get(0), "beta1").doubleValue(),
          number(betas.get(1), "beta2").doubleValue(), number(g.get("eps"), "eps").doubleValue(),
          number(g.get("weight_decay"), "weight_decay").doubleValue(), params, extra));
    }
    return out;
  }

  private static Map<?, ?> map(@Nullable Object v, String what) throws CheckpointFormatException {
    if (!(v instanceof Map<?, ?> m)) {
      throw new CheckpointFormatException("optimizer " + what + " is " + PickleCalls.describe(v) + ", not a dict");
    }
    return m;
  }

  private static Number number(@Nullable Object v, String what) throws CheckpointFormatException {
    if (!(v instanceof Number n)) {
      throw new CheckpointFormatException("optimizer '" + what + "' is " + PickleCalls.describe(v) + ", not a number");
    }
    return n;
  }
}
