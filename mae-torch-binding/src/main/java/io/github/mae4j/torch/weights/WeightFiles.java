package io.github.mae4j.torch.weights;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.io.Safetensors;
import io.github.mae4j.torch.io.pth.PyOrderedDict;
import io.github.mae4j.torch.io.pth.TorchCheckpoint;
import io.github.mae4j.torch.nn.MaeCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bytedeco.pytorch.Tensor;

/**
 * Weight files of every layout, read into official names and written from them.
 *
 * <ul>
 *   <li>Reading takes an official or timm {@code .pth}/{@code .pt}/{@code .bin} (PyTorch zip format), a
 *       {@code .safetensors} file of any layout, or a Hugging Face model directory ({@code config.json} with
 *       {@code model.safetensors} or {@code pytorch_model.bin}); the layout is detected from the names
 *       ({@link WeightLayout#detect}).
 *   <li>Writing {@link WeightLayout#OFFICIAL} gives a {@code .pth} ({@code {'model': OrderedDict}}, as
 *       {@code *_full.pth}) or, for a {@code .safetensors} name, a safetensors file; {@link WeightLayout#TIMM}
 *       gives the encoder only (timm has no decoder), safetensors or a bare-state-dict {@code .pth};
 *       {@link WeightLayout#HF} gives a directory that {@code from_pretrained} opens: {@code config.json} and
 *       {@code model.safetensors}.
 * </ul>
 * Tensors are copied bit for bit both ways; a split {@code qkv} is the exact concatenation of its parts.
 */
public final class WeightFiles {
  /** The weights file inside an HF model directory. */
  public static final String HF_WEIGHTS = "model.safetensors";

  private WeightFiles() {}

  /** Whether {@code path} is a Hugging Face model directory: {@code config.json} beside the weights. */
  public static boolean isHfDirectory(Path path) {
    return Files.isDirectory(path) && Files.exists(path.resolve(HfConfig.FILE))
        && (Files.exists(path.resolve(HF_WEIGHTS)) || Files.exists(path.resolve("pytorch_model.bin")));
  }

  /**
   * What a file or directory holds, under official names.
   *
   * @param layout the layout the names were written in
   * @param tensors the tensors by official name (names the layout's table does not know keep their own)
   * @param hfConfig the HF {@code config.json} beside the weights, if any
   * @param source the file read
   */
  public record Contents(WeightLayout layout, Map<String, Tensor> tensors, Optional<HfConfig> hfConfig, Path source)
      implements AutoCloseable {
    public Contents {
      tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** Frees the tensors. */
    @Override
    public void close() {
      Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
      tensors.values().stream().filter(seen::add).forEach(Tensor::close);
    }
  }

  /**
   * Reads {@code in}: a weights file or an HF model directory.
   *
   * @throws IllegalArgumentException when it does not exist or a directory holds no weights
   */
  public static Contents read(Path in) throws IOException {
    if (!Files.exists(in)) {
      throw new IllegalArgumentException("weights " + in + " do not exist");
    }
    Path file = in;
    Optional<HfConfig> config = Optional.empty();
    if (Files.isDirectory(in)) {
      file = Files.exists(in.resolve(HF_WEIGHTS)) ? in.resolve(HF_WEIGHTS) : in.resolve("pytorch_model.bin");
      if (!Files.exists(file)) {
        throw new IllegalArgumentException("directory " + in + " holds neither " + HF_WEIGHTS
            + " nor pytorch_model.bin");
      }
    }
    Map<String, Tensor> raw = file.getFileName().toString().endsWith(".safetensors")
        ? Safetensors.read(file) : TorchCheckpoint.readStateDict(file, null);
    WeightLayout layout = WeightLayout.detect(raw.keySet());
    Map<String, Tensor> official = NameMapping.toOfficial(layout, raw);
    Set<Tensor> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    kept.addAll(official.values());
    raw.values().stream().filter(t -> !kept.contains(t)).forEach(Tensor::close); // parts of a concatenation
    Path dir = file.toAbsolutePath().getParent();
    if (layout == WeightLayout.HF && dir != null && Files.exists(dir.resolve(HfConfig.FILE))) {
      config = Optional.of(HfConfig.read(dir.resolve(HfConfig.FILE)));
    }
    return new Contents(layout, official, config, file);
  }

  /**
   * Writes official-named tensors in {@code layout}.
   *
   * @param out a file ({@code .pth} or {@code .safetensors}) for OFFICIAL and TIMM, a directory for HF
   * @param model the model the tensors belong to (written into HF's {@code config.json})
   * @return the names left out: the decoder for TIMM, otherwise none
   */
  public static List<String> write(Path out, WeightLayout layout, Map<String, Tensor> official, MaeConfig model)
      throws IOException {
    List<String> dropped = new ArrayList<>();
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    official.forEach((k, v) -> {
      if (layout == WeightLayout.TIMM && MaeCheckpoint.isDecoderKey(k)) {
        dropped.add(k);
      } else {
        tensors.put(k, v);
      }
    });
    Map<String, Tensor> named = NameMapping.fromOfficial(layout, tensors);
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    switch (layout) {
      case HF -> {
        Files.createDirectories(out);
        HfConfig.of(model).write(out.resolve(HfConfig.FILE));
        Safetensors.write(out.resolve(HF_WEIGHTS), named, Map.of("format", "pt"));
      }
      case OFFICIAL, TIMM -> {
        if (out.getFileName().toString().endsWith(".safetensors")) {
          Safetensors.write(out, named, Map.of("format", "pt"));
        } else if (layout == WeightLayout.OFFICIAL) {
          TorchCheckpoint.writeStateDict(out, named);
        } else {
          TorchCheckpoint.write(out, new PyOrderedDict(named));
        }
      }
    }
    return dropped;
  }
}
