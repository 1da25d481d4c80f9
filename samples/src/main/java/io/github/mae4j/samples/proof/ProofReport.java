package io.github.mae4j.samples.proof;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.downstream.RunResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Collects the proof's measurements and writes them as a Markdown table. */
public final class ProofReport {
  /** k-NN accuracy and wall time. */
  public record Knn(double top1, double top5, double seconds) {}

  /** One encoder's results. */
  public static final class Row {
    public @Nullable Knn knn;
    public @Nullable RunResult linprobe;
    public @Nullable RunResult finetune;
    public double featureSeconds;
    public double probeLr;
  }

  private final MaeConfig model;
  private final int pretrainEpochs;
  private final int finetuneEpochs;
  private final int linprobeEpochs;
  private final int trainLimit;
  private final int testLimit;
  private double pixelProbeLr;
  private List<MiniPretrainer.Epoch> pretrain = new ArrayList<>();
  private double pretrainSeconds;
  private @Nullable Row pretrained;
  private @Nullable Row random;
  private @Nullable Knn pixelKnn;
  private @Nullable RunResult pixelProbe;
  private double totalSeconds;

  public ProofReport(MaeConfig model, int pretrainEpochs, int finetuneEpochs, int linprobeEpochs, int trainLimit,
      int testLimit) {
    this.testLimit = testLimit;
    this.model = model;
    this.pretrainEpochs = pretrainEpochs;
    this.finetuneEpochs = finetuneEpochs;
    this.linprobeEpochs = linprobeEpochs;
    this.trainLimit = trainLimit;
  }

  public void pixels(Knn knn, RunResult probe, double probeLr) {
    pixelKnn = knn;
    pixelProbe = probe;
    pixelProbeLr = probeLr;
  }

  public void pretrain(List<MiniPretrainer.Epoch> epochs, double seconds) {
    pretrain = List.copyOf(epochs);
    pretrainSeconds = seconds;
  }

  public void pretrained(Row row) {
    pretrained = row;
  }

  public void random(Row row) {
    random = row;
  }

  public void totalSeconds(double s) {
    totalSeconds = s;
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.2f %%", 100 * v);
  }

  private static String min(double s) {
    return String.format(Locale.ROOT, "%.1f min", s / 60);
  }

  private static String cpu() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
    } catch (IOException e) {
      return "unknown CPU";
    }
  }

  private String encoderRow(String name, Row r) {
    return "| " + name + " | " + pct(r.linprobe.top1()) + " (lr " + r.probeLr + ") | " + pct(r.knn.top1()) + " | "
        + pct(r.finetune.top1()) + " (top-5 " + pct(r.finetune.top5()) + ") | "
        + min(r.linprobe.seconds()) + " / " + min(r.knn.seconds()) + " / " + min(r.finetune.seconds()) + " |";
  }

  /** The Markdown document. */
  public String render() {
    StringBuilder b = new StringBuilder();
    String trainSet = trainLimit > 0 ? "the first " + trainLimit + " training images" : "all 60,000 training images";
    b.append("# Results: MAE pretraining on Fashion-MNIST\n\n");
    b.append("Produced by one command (see \"Reproduce\" below) on ")
        .append(OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
        .append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores (").append(cpu())
        .append("), ATen threads ").append(Torch.atenThreads()).append(", OpenBLAS threads ")
        .append(Torch.blasThreads()).append("; the machine was shared with other jobs, so times are upper bounds. ")
        .append("Total wall time ").append(min(totalSeconds)).append(".\n\n");
    b.append("Model: ViT with ").append(model.getImageSize()).append("-px input, ").append(model.getPatchSize())
        .append("-px patches (").append(model.getNumPatches()).append(" patches), encoder ")
        .append(model.getEncoder().getEmbedDim()).append(" wide × ").append(model.getEncoder().getDepth())
        .append(" blocks × ").append(model.getEncoder().getNumHeads()).append(" heads; MAE decoder ")
        .append(model.getDecoder().getEmbedDim()).append(" × ").append(model.getDecoder().getDepth())
        .append(", mask ratio ").append(model.getMaskRatio()).append(", normalized-pixel loss. Trained on ")
        .append(trainSet).append(", evaluated on ")
        .append(testLimit > 0 ? "the first " + testLimit + " test images" : "all 10,000 test images").append(".\n\n");
    b.append("| Encoder | Linear probe top-1 | k-NN top-1 (k=20, T=0.07) | Fine-tune top-1, ").append(finetuneEpochs)
        .append(" epoch(s) | Time: probe / k-NN / fine-tune |\n");
    b.append("|---|---|---|---|---|\n");
    b.append(encoderRow("(a) MAE-pretrained, " + pretrainEpochs + " epochs (" + min(pretrainSeconds) + ")",
        pretrained)).append('\n');
    b.append(encoderRow("(b) Random init", random)).append('\n');
    b.append("| Raw pixels (784-D, no encoder) | ").append(pct(pixelProbe.top1())).append(" (lr ")
        .append(pixelProbeLr).append(") | ")
        .append(pct(pixelKnn.top1())).append(" | — | ").append(min(pixelProbe.seconds())).append(" / ")
        .append(min(pixelKnn.seconds())).append(" / — |\n");
    b.append("| Published: logistic regression on raw pixels (Xiao et al. 2017 benchmark) | ≈ 84 % | | | |\n\n");
    b.append("## Setup\n\n");
    b.append("- **Pretraining** (a): MAE, AdamW β=(0.9, 0.95), lr 1.5e-3 (batch 256), weight decay 0.05, warmup 1 "
        + "epoch + cosine, ").append(pretrainEpochs).append(" epochs, no augmentation. Loss per epoch: ");
    for (MiniPretrainer.Epoch e : pretrain) {
      b.append(String.format(Locale.ROOT, "%.4f ", e.loss()));
    }
    b.append("(").append(min(pretrainSeconds)).append(").\n");
    b.append("- **Features** for k-NN and linear probe: the encoder's patch tokens averaged, then a fresh "
        + "LayerNorm (`fc_norm`, no learned affine yet) — the fine-tuning pooling; encoder frozen, no augmentation.\n");
    b.append("- **k-NN**: cosine similarity to all training features, 20 neighbours, votes weighted by exp(sim/0.07).\n");
    b.append("- **Linear probe**: BatchNorm without affine + linear head (std 0.01), LARS (momentum 0.9, trust "
        + "0.001, no weight decay), batch 256, ").append(linprobeEpochs)
        .append(" epochs with warmup + cosine, on features computed once. LARS's step is relative to each weight's "
            + "norm, so the peak lr does not follow the linear scaling rule at this scale: it is chosen per encoder "
            + "from {0.4, 1.6, 6.4} (6.4 = the paper's 0.1·16384/256) on the last 5,000 training images held out, "
            + "then the probe is retrained on all training images; the test set takes no part in the choice.\n");
    b.append("- **Fine-tuning**: all layers, AdamW β=(0.9, 0.999), lr 1e-3 (blr 2e-3, batch 128), weight decay 0.05, "
        + "layer decay 0.75, drop path 0.1, label smoothing 0.1, horizontal flip but no random resized crop (28-px "
        + "images, 2 epochs; see the notes), random erasing 0.25, no mixup/cutmix (they need "
        + "far longer schedules than this budget), cosine to 1e-6 over ").append(finetuneEpochs)
        .append(" epoch(s), no warmup; the same budget for (a) and (b).\n");
    b.append("- Raw-pixel rows run the same k-NN and linear probe on the normalized pixels.\n\n");
    b.append("## Reproduce\n\n(`JAVA25` is any JDK 25 home, e.g. `JAVA25=/usr/lib/jvm/temurin-25-jdk-amd64`; the "
        + "default `java` here is 17.)\n\n```\n./mvnw -q -B -pl samples -am package -DskipTests\n"
        + "\"$JAVA25\"/bin/java --enable-native-access=ALL-UNNAMED -cp samples/target/mae.jar "
        + "io.github.mae4j.samples.FashionMnistProof --pretrain-epochs=").append(pretrainEpochs)
        .append(" --finetune-epochs=").append(finetuneEpochs).append(" --linprobe-epochs=").append(linprobeEpochs)
        .append(trainLimit > 0 ? " --train-limit=" + trainLimit : "")
        .append(testLimit > 0 ? " --test-limit=" + testLimit : "").append("\n```\n");
    return b.toString();
  }

  /** Writes {@link #render()} to {@code out}. */
  public void write(Path out) throws IOException {
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, render());
  }
}
