package io.github.mae4j.samples.cli;

import io.github.mae4j.torch.Torch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mae info}: libtorch version, devices, threads, natives. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show libtorch version, devices, threads and natives.")
final class InfoCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Torch.load();
    Map<String, String> info = new LinkedHashMap<>();
    info.put("mae4j", new VersionProvider().getVersion()[0].substring("mae4j ".length()));
    info.put("libtorch", Torch.libtorchVersion());
    info.put("javacpp.platform", Loader.getPlatform());
    info.put("natives.cache", Loader.getCacheDir().toString());
    info.put("cuda.available", Boolean.toString(Torch.cudaAvailable()));
    info.put("cuda.devices", Long.toString(Torch.cudaAvailable() ? torch.cuda_device_count() : 0));
    info.put("threads.aten", Integer.toString(Torch.atenThreads()));
    info.put("threads.openblas", Torch.hasOpenBlas() ? Integer.toString(Torch.blasThreads()) : "n/a");
    info.put("cpu.cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    info.put("cpu.model", cpuModel());
    info.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
    info.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    if (json) {
      StringBuilder sb = new StringBuilder("{");
      info.forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "").append('"').append(k).append("\": \"")
          .append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append('"'));
      System.out.println(sb.append('}'));
    } else {
      info.forEach((k, v) -> System.out.printf("%-18s %s%n", k, v));
    }
    return 0;
  }

  static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (Exception e) {
      // not Linux
    }
    return System.getProperty("os.arch");
  }
}
