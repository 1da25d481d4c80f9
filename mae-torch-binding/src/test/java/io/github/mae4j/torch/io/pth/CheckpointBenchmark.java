package io.github.mae4j.torch.io.pth;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.nn.MaeCheckpoint;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * Large-file measurement (not a test): {@code write FILE} saves a freshly initialized ViT-H/14 MAE (encoder +
 * decoder) with {@link MaeCheckpoint#save}; {@code read FILE} loads it back with
 * {@link TorchCheckpoint#readStateDict}. Each prints wall time, file size and the process's peak RSS (VmHWM), so
 * run the two modes as separate JVMs. Numbers are recorded in docs/checkpoints.md.
 */
public final class CheckpointBenchmark {
  private CheckpointBenchmark() {}

  public static void main(String[] args) throws Exception {
    Torch.load();
    Path file = Path.of(args[1]);
    long t0 = System.nanoTime();
    if (args[0].equals("write")) {
      try (MaskedAutoencoder model = MaskedAutoencoder.create(MaeConfig.vitH14(), 0)) {
        long t1 = System.nanoTime();
        System.out.printf("built ViT-H/14 MAE (%d parameters) in %.1f s%n", model.parameterCount(), (t1 - t0) / 1e9);
        MaeCheckpoint.save(model, file);
        System.out.printf("write: %.2f s, %.2f GB%n", (System.nanoTime() - t1) / 1e9, Files.size(file) / 1e9);
      }
    } else if (args[0].equals("loop")) {
      // read + write + close N times: RSS must stay flat (no native handles left to the GC)
      Path out = Files.createTempFile("mae4j-loop", ".pth");
      for (int i = 0; i <= Integer.parseInt(args[2]); i++) {
        Object tree = TorchCheckpoint.read(file);
        TorchCheckpoint.write(out, (Map<?, ?>) tree);
        TorchCheckpoint.closeTensors(tree);
        if (i % 500 == 0) {
          System.out.println(i + " " + Files.readAllLines(Path.of("/proc/self/status")).stream()
              .filter(l -> l.startsWith("VmRSS")).findFirst().orElse("?"));
        }
      }
      Files.delete(out);
    } else if (args[0].equals("write-5gb")) {
      // five 1 GB tensors filled with i + 1: entries past the 4 GiB mark need zip64 offsets
      Map<String, Tensor> sd = new LinkedHashMap<>();
      for (int i = 0; i < 5; i++) {
        sd.put("t" + i, org.bytedeco.pytorch.global.torch.full(new long[] {250_000_000L},
            new org.bytedeco.pytorch.Scalar(i + 1.0)));
      }
      long t1 = System.nanoTime();
      TorchCheckpoint.writeStateDict(file, sd);
      System.out.printf("write: %.2f s, %.2f GB%n", (System.nanoTime() - t1) / 1e9, Files.size(file) / 1e9);
    } else {
      LinkedHashMap<String, Tensor> sd = TorchCheckpoint.readStateDict(file, "model");
      double secs = (System.nanoTime() - t0) / 1e9;
      long bytes = 0;
      for (Map.Entry<String, Tensor> e : sd.entrySet()) {
        bytes += e.getValue().nbytes();
      }
      for (Map.Entry<String, Tensor> e : sd.entrySet()) {
        if (e.getKey().matches("t\\d")) {
          Tensor t = e.getValue();
          System.out.printf("%s: first %.1f last %.1f%n", e.getKey(), t.get(0).item_double(),
              t.get(t.numel() - 1).item_double());
        }
      }
      System.out.printf("read: %.2f s for %d tensors, %.2f GB of tensor data, %.2f GB file%n", secs, sd.size(),
          bytes / 1e9, Files.size(file) / 1e9);
    }
    System.out.println("peak RSS: " + Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith("VmHWM")).findFirst().orElse("?"));
  }
}
