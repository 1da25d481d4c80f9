package io.github.mae4j.torch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Freed blocks come back for the next allocation of their size, within the limit, until released. Sizes no other
 * test allocates, and counts per size: a batch of another test freed meanwhile by a collector cannot disturb them.
 */
class UninitializedMemoryTest {
  @AfterEach
  void release() {
    UninitializedMemory.releaseKept();
  }

  @Test
  void aFreedBlockIsHandedOutAgainForTheSameSize() {
    long first;
    try (Arena arena = Arena.ofShared()) {
      MemorySegment s = UninitializedMemory.allocate(arena, 3_000_001);
      assertThat(s.byteSize()).isEqualTo(3_000_001);
      assertThat(s.address() % 64).isZero();
      s.set(ValueLayout.JAVA_BYTE, 3_000_000, (byte) 7); // the whole requested size is usable
      first = s.address();
    }
    assertThat(UninitializedMemory.keptBlocks(3_000_001)).isEqualTo(1);
    assertThat(UninitializedMemory.keptBlocks(3_000_064)).as("the same size once rounded up to 64").isEqualTo(1);
    try (Arena arena = Arena.ofShared()) {
      MemorySegment again = UninitializedMemory.allocate(arena, 3_000_001);
      assertThat(again.address()).isEqualTo(first);
      assertThat(UninitializedMemory.keptBlocks(3_000_001)).isZero();
      MemorySegment other = UninitializedMemory.allocate(arena, 1_000_003); // another size: a new block
      assertThat(other.address()).isNotEqualTo(first);
    }
    assertThat(UninitializedMemory.keptBlocks(3_000_001)).isEqualTo(1);
    assertThat(UninitializedMemory.keptBlocks(1_000_003)).isEqualTo(1);
    assertThat(UninitializedMemory.releaseKept()).isGreaterThanOrEqualTo(3_000_064 + 1_000_064);
    assertThat(UninitializedMemory.keptBlocks(3_000_001)).isZero();
    assertThat(UninitializedMemory.keptBytes()).isZero();
  }

  @Test
  void blocksBeyondTheLimitAreFreedNotKept() {
    UninitializedMemory.releaseKept();
    long big = UninitializedMemory.KEEP_LIMIT / 2 + 64; // two of these do not fit
    try (Arena arena = Arena.ofShared()) {
      UninitializedMemory.allocate(arena, big);
      UninitializedMemory.allocate(arena, big);
    }
    assertThat(UninitializedMemory.keptBlocks(big)).isEqualTo(1);
    try (Arena arena = Arena.ofShared()) {
      UninitializedMemory.allocate(arena, UninitializedMemory.KEEP_LIMIT + 64);
    }
    assertThat(UninitializedMemory.keptBlocks(UninitializedMemory.KEEP_LIMIT + 64)).as("larger than the limit")
        .isZero();
  }
}
