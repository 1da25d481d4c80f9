package io.github.mae4j.torch.downstream.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.FinetuneRecipe;
import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.dist.DistributedContext;
import io.github.mae4j.torch.dist.DistributedEnvironment;
import io.github.mae4j.torch.dist.GradientReducer;
import io.github.mae4j.torch.downstream.DownstreamRankMainAccess;
import io.github.mae4j.torch.downstream.LabeledImages;
import io.github.mae4j.torch.downstream.TrainingParity;
import io.github.mae4j.torch.downstream.checkpoint.RunDirectory;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import io.github.mae4j.torch.run.ProgressReporter;
import io.github.mae4j.torch.run.TrainingDivergedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One image of the training set is NaN: the rank whose block holds it gets a non-finite loss, and both ranks (two
 * threads of one JVM, Gloo over a FileStore) stop at the same step — the one naming its rank, the other a non-finite
 * loss on another rank — leaving rank 0's checkpoint of the last finished epoch as it was.
 */
class DistributedFinetuneDivergenceTest {
  @TempDir Path dir;

  @Test
  void run_nanImageInTheSecondEpoch_bothRanksStopAtTheSameStep() throws Exception {
    Torch.load();
    FinetuneRecipe recipe = DownstreamRankMainAccess.finetuneRecipe().toBuilder()
        .augmentation(Augmentation.none()).build();
    LabeledImages clean = TrainingParity.toyImages(64, 3, 8, 4, 21);
    Path run = dir.resolve("run");
    ExecutorService ranks = Executors.newFixedThreadPool(2);
    try {
      List<Future<Object>> f = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        int rank = r;
        f.add(ranks.submit(() -> {
          try (DistributedContext ctx = DistributedContext.connect(new DistributedEnvironment(rank, rank, 2, 2, "",
                  29500, Optional.of(dir.resolve("rdzv")), Duration.ofSeconds(30), GradientReducer.Mode.FLAT));
              VitClassifier m = Finetuner.newClassifier(recipe)) {
            // this rank's copy of the images: clean for the first epoch, then image 5 turns NaN
            LabeledImages train = new LabeledImages(clean.images().clone(), clean.labels());
            Finetuner.run(m, recipe, train, clean.head(8), OptionalDouble.empty(), false, e -> {
              if (e.epoch() == 1) {
                train.images().select(0, 5).fill_(new org.bytedeco.pytorch.Scalar(Float.NaN));
              }
            }, RunDirectory.create(run, Map.of()), ProgressReporter.silent(), ctx);
            return "finished";
          } catch (TrainingDivergedException e) {
            return e;
          }
        }));
      }
      TrainingDivergedException[] e = new TrainingDivergedException[2];
      for (int r = 0; r < 2; r++) {
        Object o = f.get(r).get(90, TimeUnit.SECONDS);
        assertThat(o).as("rank %d", r).isInstanceOf(TrainingDivergedException.class);
        e[r] = (TrainingDivergedException) o;
      }
      assertThat(e[0].iteration()).isEqualTo(e[1].iteration()).isBetween(4L, 7L); // a step of the second epoch
      String both = e[0].getMessage() + "\n" + e[1].getMessage();
      assertThat(both).containsPattern("loss is NaN on rank [01]").contains("non-finite on another rank");
      assertThat(RunDirectory.read(run).epochsDone()).isEqualTo(1);
    } finally {
      ranks.shutdownNow();
    }
  }
}
