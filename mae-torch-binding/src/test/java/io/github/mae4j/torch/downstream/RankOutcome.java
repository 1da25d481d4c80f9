package io.github.mae4j.torch.downstream;

import io.github.mae4j.torch.downstream.internal.Tensors;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * What one rank of a downstream run ended with — the loss of every step, the final test top-1 and the final tensors
 * by name — written to a file by a rank process and read back by the test.
 */
public record RankOutcome(List<Double> losses, double top1, Map<String, float[]> tensors) {

  /** The outcome of a run, its tensors copied. */
  public static RankOutcome of(List<Double> losses, double top1, Map<String, Tensor> tensors) {
    Map<String, float[]> t = new LinkedHashMap<>();
    tensors.forEach((k, v) -> t.put(k, Tensors.toFloatArray(v.detach().contiguous())));
    return new RankOutcome(List.copyOf(losses), top1, t);
  }

  public void write(Path file) throws IOException {
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
      out.writeInt(losses.size());
      for (double l : losses) {
        out.writeDouble(l);
      }
      out.writeDouble(top1);
      out.writeInt(tensors.size());
      for (Map.Entry<String, float[]> e : tensors.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(e.getValue().length);
        for (float f : e.getValue()) {
          out.writeFloat(f);
        }
      }
    }
  }

  public static RankOutcome read(Path file) throws IOException {
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      List<Double> losses = new ArrayList<>();
      for (int i = in.readInt(); i > 0; i--) {
        losses.add(in.readDouble());
      }
      double top1 = in.readDouble();
      Map<String, float[]> t = new LinkedHashMap<>();
      for (int i = in.readInt(); i > 0; i--) {
        String name = in.readUTF();
        float[] f = new float[in.readInt()];
        for (int j = 0; j < f.length; j++) {
          f[j] = in.readFloat();
        }
        t.put(name, f);
      }
      return new RankOutcome(losses, top1, t);
    }
  }

  /** max |w| over every tensor. */
  public double maxAbs() {
    double m = 0;
    for (float[] f : tensors.values()) {
      for (float v : f) {
        m = Math.max(m, Math.abs(v));
      }
    }
    return m;
  }

  /**
   * max |this − other| per tensor; the key third of an {@code attn.qkv.bias} apart, as {@code NAME[key third]}: its
   * true gradient is exactly 0 (softmax ignores a shift shared by all keys), so what it gets is float rounding noise
   * that differs with the order of the sums, and AdamW turns noise of any size into steps of up to ±lr.
   */
  public Map<String, Double> diffs(RankOutcome other) {
    Map<String, Double> d = new LinkedHashMap<>();
    tensors.forEach((k, a) -> {
      float[] b = other.tensors.get(k);
      boolean qkvBias = k.endsWith("attn.qkv.bias");
      double m = b == null || b.length != a.length ? Double.POSITIVE_INFINITY : 0;
      double key = 0;
      for (int i = 0; b != null && i < Math.min(a.length, b.length); i++) {
        double x = Math.abs(a[i] - b[i]);
        if (qkvBias && i >= a.length / 3 && i < 2 * a.length / 3) {
          key = Math.max(key, x);
        } else {
          m = Math.max(m, x);
        }
      }
      d.put(k, m);
      if (qkvBias) {
        d.put(k + "[key third]", key);
      }
    });
    return d;
  }
}
