package io.github.mae4j.torch.downstream.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.api.recipe.FinetuneRecipe;
import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.dist.DistributedContext;
import io.github.mae4j.torch.dist.DistributedEnvironment;
import io.github.mae4j.torch.dist.GradientReducer;
import io.github.mae4j.torch.downstream.DownstreamRankMainAccess;
import io.github.mae4j.torch.downstream.TrainingParity;
import io.github.mae4j.torch.downstream.checkpoint.RunDirectory;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import io.github.mae4j.torch.run.ProgressReporter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch two ranks cannot share is refused on every rank before any collective, naming what to choose: mixup pairs
 * adjacent images, so a block of 3 per rank (batch 6 over 2) cannot hold every pair.
 */
class FinetuneBatchCheckTest {
  @TempDir Path dir;

  @Test
  void run_mixupWithAnOddBatchPerProcess_refusedOnEveryRankNamingTheBatch() throws Exception {
    Torch.load();
    FinetuneRecipe recipe = DownstreamRankMainAccess.finetuneRecipe().toBuilder().batchSizePerStep(6)
        .effectiveBatchSize(6).build();
    ExecutorService ranks = Executors.newFixedThreadPool(2);
    try {
      List<Future<String>> f = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        int rank = r;
        f.add(ranks.submit(() -> {
          try (DistributedContext ctx = DistributedContext.connect(new DistributedEnvironment(rank, rank, 2, 2, "",
                  29500, Optional.of(dir.resolve("rdzv")), Duration.ofSeconds(20), GradientReducer.Mode.FLAT));
              VitClassifier m = Finetuner.newClassifier(recipe)) {
            Finetuner.run(m, recipe, TrainingParity.toyImages(24, 3, 8, 4, 1), TrainingParity.toyImages(4, 3, 8, 4, 2),
                OptionalDouble.empty(), true, e -> {}, RunDirectory.none(), ProgressReporter.silent(), ctx);
            return "ran";
          } catch (IllegalArgumentException e) {
            return e.getMessage();
          }
        }));
      }
      for (Future<String> r : f) {
        assertThat(r.get(60, TimeUnit.SECONDS)).contains("batch per process must be even", "batch 6 over 2 processes",
            "is 3 per process", "divisible by 4");
      }
    } finally {
      ranks.shutdownNow();
    }
  }
}
