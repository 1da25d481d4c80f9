package io.github.mae4j.torch.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The CPU model and the flags that matter for fp32/bf16 speed, from /proc/cpuinfo (Linux): printed by every
 * benchmark, and part of the key under which measured kernel choices are remembered.
 */
public record CpuInfo(String model, boolean avx512f, boolean amxBf16, int logicalCpus) {
  private static volatile CpuInfo cached;

  /** This machine's CPU (read once). */
  public static CpuInfo read() {
    CpuInfo c = cached;
    if (c == null) {
      c = readProc();
      cached = c;
    }
    return c;
  }

  private static CpuInfo readProc() {
    String model = "unknown";
    boolean avx512f = false;
    boolean amx = false;
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
      for (String line : lines) {
        if (line.startsWith("model name") && model.equals("unknown")) {
          model = line.substring(line.indexOf(':') + 1).trim();
        }
        if (line.startsWith("flags")) {
          List<String> flags = List.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
          avx512f |= flags.contains("avx512f");
          amx |= flags.contains("amx_bf16");
        }
      }
    } catch (IOException e) {
      // not Linux: leave unknown
    }
    return new CpuInfo(model, avx512f, amx, Runtime.getRuntime().availableProcessors());
  }

  @Override
  public String toString() {
    return model + ", " + logicalCpus + " logical CPUs, avx512f=" + (avx512f ? "yes" : "no") + ", amx_bf16="
        + (amxBf16 ? "yes" : "no");
  }
}
