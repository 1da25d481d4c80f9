package io.github.mae4j.torch.downstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.PythonReference;
import io.github.mae4j.torch.downstream.internal.Tensors;
import io.github.mae4j.torch.downstream.vit.EncoderLoadReport;
import io.github.mae4j.torch.downstream.vit.Pooling;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import io.github.mae4j.torch.io.pth.TorchCheckpoint;
import io.github.mae4j.torch.run.ProgressReporter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Training parity with the PyTorch reference loops of {@code tools/training_parity/}: inputs written as {@code .pth}
 * and JSON, the reference run as a subprocess, and the comparisons (per-step losses, final weights).
 */
public final class TrainingParity {
  public static final ObjectMapper JSON = new ObjectMapper();

  private TrainingParity() {}

  /** Whether a Python interpreter with torch is there to run the references. */
  public static boolean pythonAvailable() {
    return PythonReference.available();
  }

  /** Records the loss and learning rate of every training step. */
  public static final class Steps implements ProgressReporter {
    public final List<Double> losses = new ArrayList<>();
    public final List<Double> lrs = new ArrayList<>();

    @Override
    public void update(Snapshot s) {
      losses.add(s.loss());
      lrs.add(s.lr());
    }

    @Override
    public void message(String text) {}

    @Override
    public void finish() {}
  }

  /**
   * A learnable toy: {@code n} images [C, size, size] of standard normal pixels, labels {@code i mod classes}, and
   * class k shifted by +1 (k &lt; C) or −1 (k ≥ C) on channel {@code k mod C}.
   */
  public static LabeledImages toyImages(int n, int channels, int size, int classes, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int plane = size * size;
    float[] px = new float[n * channels * plane];
    long[] labels = new long[n];
    for (int i = 0; i < n; i++) {
      int k = i % classes;
      labels[i] = k;
      for (int c = 0; c < channels; c++) {
        double shift = c == k % channels ? (k < channels ? 1.0 : -1.0) : 0.0;
        for (int p = 0; p < plane; p++) {
          px[(i * channels + c) * plane + p] = (float) (shift + r.nextGaussian());
        }
      }
    }
    return new LabeledImages(Tensors.floats(px, n, channels, size, size), Tensors.longs(labels, n));
  }

  /** Adds N(0, std²) noise from {@code seed} to every tensor, so no weight keeps a special value (0, 1). */
  public static void perturb(Map<String, Tensor> params, double std, long seed) {
    try (Generator g = torch.createCPUGenerator(seed); NoGradGuard guard = new NoGradGuard()) {
      for (Tensor p : params.values()) {
        p.add_(Tensors.randn(g, p.shape()).mul(Tensors.scalar(std)));
      }
    }
  }

  /**
   * Writes a pretrained encoder in the official MAE layout ({@code {"model": OrderedDict}}: {@code patch_embed},
   * {@code cls_token}, {@code pos_embed}, {@code blocks.*}, {@code norm}): a classifier's initialization plus
   * N(0, 0.1²) noise from {@code seed}, without its head.
   */
  public static void writePretrainedEncoder(Path file, MaeConfig config, long seed) throws IOException {
    try (VitClassifier encoder = new VitClassifier(config, 2, Pooling.CLS_TOKEN, 0, seed)) {
      Map<String, Tensor> weights = encoder.namedParameters();
      perturb(weights, 0.1, seed);
      weights.keySet().removeIf(name -> name.startsWith("head."));
      TorchCheckpoint.writeStateDict(file, weights);
    }
  }

  /** Loads the encoder in {@code file} (official layout) into {@code model} by name; what was loaded. */
  public static EncoderLoadReport loadEncoder(VitClassifier model, Path file) throws IOException {
    Map<String, Tensor> weights = TorchCheckpoint.readStateDict(file, "model");
    try {
      return model.loadEncoder(weights);
    } finally {
      TorchCheckpoint.closeTensors(weights);
    }
  }

  /** Writes {@code {"images": [N, C, H, W], "labels": [N]}}. */
  public static void writeData(Path file, LabeledImages data) throws IOException {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("images", data.images());
    tree.put("labels", data.labels());
    TorchCheckpoint.write(file, tree);
  }

  /** The encoder geometry as the references read it. */
  public static Map<String, Object> modelSpec(MaeConfig config) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("image_size", config.getImageSize());
    m.put("patch_size", config.getPatchSize());
    m.put("in_chans", config.getInChannels());
    m.put("embed_dim", config.getEncoder().getEmbedDim());
    m.put("depth", config.getEncoder().getDepth());
    m.put("num_heads", config.getEncoder().getNumHeads());
    m.put("mlp_hidden", config.getEncoder().getMlpHiddenDim());
    m.put("ln_eps", config.getLayerNormEps());
    return m;
  }

  /** Runs {@code tools/training_parity/<script>} with {@code args}; its JSON stdout. */
  public static JsonNode runReference(String script, Path... args) throws IOException, InterruptedException {
    return JSON.readTree(PythonReference.run("training_parity/" + script,
        java.util.Arrays.stream(args).map(Path::toString).toList(), 300));
  }

  /** The numbers of a JSON array. */
  public static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }

  /** The values of a list. */
  public static double[] doubles(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** {@code max_i |actual_i − expected_i| / |expected_i|}. */
  public static double maxRelative(double[] actual, double[] expected) {
    if (actual.length != expected.length) {
      throw new IllegalArgumentException(actual.length + " values against " + expected.length);
    }
    double worst = 0;
    for (int i = 0; i < actual.length; i++) {
      worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.abs(expected[i]));
    }
    return worst;
  }

  /**
   * Per tensor of {@code expected}: {@code max|actual − expected| / max|expected|} (0 for equal tensors, also of
   * zeros; infinite when a name is missing or the shapes differ), by name in {@code expected}'s order.
   */
  public static Map<String, Double> weightDeviations(Map<String, Tensor> actual, Map<String, Tensor> expected) {
    Map<String, Double> out = new LinkedHashMap<>();
    expected.forEach((name, e) -> {
      Tensor a = actual.get(name);
      if (a == null || !java.util.Arrays.equals(a.shape(), e.shape())) {
        out.put(name, Double.POSITIVE_INFINITY);
        return;
      }
      double[] x = toDoubles(a);
      double[] y = toDoubles(e);
      double diff = 0;
      double scale = 0;
      for (int i = 0; i < y.length; i++) {
        diff = Math.max(diff, Math.abs(x[i] - y[i]));
        scale = Math.max(scale, Math.abs(y[i]));
      }
      out.put(name, diff == 0 ? 0.0 : diff / scale);
    });
    return out;
  }

  /**
   * The tensors with each attention's {@code qkv.bias} [3D] split into its query, key and value thirds
   * ({@code ….qkv.bias#q}, {@code #k}, {@code #v}). The key bias adds {@code q·b_k} to every logit of a query's row,
   * which softmax cancels: its true gradient is 0, so what it receives is rounding noise, which AdamW, dividing by
   * {@code √v + ε}, turns into steps of order lr. Its trajectory is therefore not reproducible across attention
   * kernels (and does not change what the model computes); the query and value thirds are.
   */
  public static Map<String, Tensor> splitQkvBias(Map<String, Tensor> tensors) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    tensors.forEach((name, t) -> {
      if (name.endsWith(".attn.qkv.bias")) {
        long d = t.size(0) / 3;
        out.put(name + "#q", t.narrow(0, 0, d));
        out.put(name + "#k", t.narrow(0, d, d));
        out.put(name + "#v", t.narrow(0, 2 * d, d));
      } else {
        out.put(name, t);
      }
    });
    return out;
  }

  /** A copy of every tensor, detached (for a before/after comparison). */
  public static Map<String, Tensor> snapshot(Map<String, Tensor> tensors) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    tensors.forEach((k, v) -> out.put(k, v.detach().clone()));
    return out;
  }

  private static double[] toDoubles(Tensor t) {
    return t.scalar_type().toString().equals("Long")
        ? java.util.Arrays.stream(Tensors.toLongArray(t)).asDoubleStream().toArray()
        : toDoublesOfFloats(Tensors.toFloatArray(t));
  }

  private static double[] toDoublesOfFloats(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
