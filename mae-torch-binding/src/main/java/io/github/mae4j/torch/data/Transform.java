package io.github.mae4j.torch.data;

import java.util.random.RandomGenerator;

/**
 * One step of sample preprocessing. Random steps draw only from the given generator, which the loader derives
 * from (seed, epoch, index), so results do not depend on threads or worker count.
 */
@FunctionalInterface
public interface Transform {
  /**
   * Transforms one sample. Must not modify {@code sample}'s array in a way visible to the dataset (datasets hand
   * out fresh arrays, so in-place work on them is fine).
   */
  Sample apply(Sample sample, RandomGenerator rng);

  /** This step, then {@code next}. */
  default Transform andThen(Transform next) {
    return (s, rng) -> next.apply(apply(s, rng), rng);
  }

  /** Returns samples unchanged. */
  static Transform identity() {
    return (s, rng) -> s;
  }
}
