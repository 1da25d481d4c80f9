package io.github.mae4j.torch.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;

/** A module's tensors by dotted name, out and in, as PyTorch's {@code state_dict()} / {@code load_state_dict()}. */
public final class StateDict {
  private StateDict() {}

  /**
   * Every parameter then every buffer by name, in registration order, as detached tensors sharing storage with the
   * module (no copy). The map is unmodifiable.
   */
  public static Map<String, Tensor> of(Module module) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    addAll(out, module.named_parameters(true));
    addAll(out, module.named_buffers(true));
    return Collections.unmodifiableMap(out);
  }

  private static void addAll(Map<String, Tensor> out, StringTensorDict dict) {
    for (long i = 0; i < dict.size(); i++) {
      out.put(dict.get(i).key().getString(), dict.get(i).value().detach());
    }
  }

  /**
   * Copies the tensors of {@code source} into the module's tensors of the same name (converting dtype and device
   * as needed). When {@code strict} and any name is missing, unexpected or of another shape, nothing is copied and
   * an {@link IllegalArgumentException} names them all.
   */
  public static LoadReport load(Module module, Map<String, Tensor> source, boolean strict) {
    Map<String, Tensor> own = of(module);
    List<String> missing = new ArrayList<>();
    List<String> mismatch = new ArrayList<>();
    List<String> loadable = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : own.entrySet()) {
      Tensor src = source.get(e.getKey());
      if (src == null) {
        missing.add(e.getKey());
      } else if (!Arrays.equals(shape(src), shape(e.getValue()))) {
        mismatch.add(e.getKey() + ": expected " + Arrays.toString(shape(e.getValue())) + ", got "
            + Arrays.toString(shape(src)));
      } else {
        loadable.add(e.getKey());
      }
    }
    List<String> unexpected = new ArrayList<>();
    for (String k : source.keySet()) {
      if (!own.containsKey(k)) {
        unexpected.add(k);
      }
    }
    LoadReport report = new LoadReport(loadable, missing, unexpected, mismatch);
    if (strict && !report.isComplete()) {
      throw new IllegalArgumentException("state dict does not match the module: " + report.summary());
    }
    try (NoGradGuard guard = new NoGradGuard()) {
      for (String k : loadable) {
        own.get(k).copy_(source.get(k));
      }
    }
    return report;
  }

  /** The sizes of a tensor. */
  public static long[] shape(Tensor t) {
    long[] s = new long[(int) t.dim()];
    for (int i = 0; i < s.length; i++) {
      s[i] = t.size(i);
    }
    return s;
  }
}
