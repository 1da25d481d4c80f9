package io.github.mae4j.api.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class LrScheduleTest {
  // peak 1e-3, floor 1e-5, 5 warmup epochs of 25, 100 iterations per epoch
  private final LrSchedule schedule = new LrSchedule(1e-3, 1e-5, 5, 25);

  @Test
  void at_warmupStart_isZero() {
    assertThat(schedule.at(0, 100)).isEqualTo(0.0);
  }

  @Test
  void at_warmupMiddle_isHalfPeak() {
    assertThat(schedule.at(250, 100)).isCloseTo(0.5e-3, offset(1e-15));
  }

  @Test
  void at_oneIterationIntoWarmup_isLinear() {
    // epoch 0.01 of 5 warmup epochs
    assertThat(schedule.at(1, 100)).isCloseTo(2e-6, offset(1e-15));
  }

  @Test
  void at_warmupEnd_isPeak() {
    assertThat(schedule.at(500, 100)).isCloseTo(1e-3, offset(1e-15));
  }

  @Test
  void at_cosineMiddle_isHalfwayBetweenPeakAndFloor() {
    // epoch 15 = 5 + 20/2: cos(π/2) = 0 → min + (peak − min)/2
    assertThat(schedule.at(1500, 100)).isCloseTo(1e-5 + 0.5 * 0.99e-3, offset(1e-15));
  }

  @Test
  void at_cosineThreeQuarters_matchesHandValue() {
    // epoch 20: cos(3π/4) = −√2/2 → min + (peak − min)·(1 − √2/2)/2 = 1e-5 + 0.99e-3 · 0.1464466094
    assertThat(schedule.at(2000, 100)).isCloseTo(1e-5 + 0.99e-3 * 0.1464466094, offset(1e-12));
  }

  @Test
  void at_end_isFloor() {
    assertThat(schedule.at(2500, 100)).isCloseTo(1e-5, offset(1e-15));
    assertThat(schedule.at(2499, 100)).isGreaterThan(1e-5).isLessThan(1.001e-5);
  }

  @Test
  void at_pastEnd_staysAtFloor() {
    assertThat(schedule.at(30.0)).isEqualTo(1e-5);
  }

  @Test
  void at_noWarmup_startsAtPeak() {
    assertThat(new LrSchedule(0.1, 0, 0, 10).at(0.0)).isEqualTo(0.1);
  }

  @Test
  void at_decreasesMonotonicallyAfterWarmup() {
    double previous = schedule.at(500, 100);
    for (long it = 501; it <= 2500; it++) {
      double lr = schedule.at(it, 100);
      assertThat(lr).isLessThanOrEqualTo(previous);
      previous = lr;
    }
  }

  @Test
  void at_badArguments_throwNamingThem() {
    assertThatThrownBy(() -> schedule.at(-1.0)).hasMessage("epoch (-1.0) must be >= 0");
    assertThatThrownBy(() -> schedule.at(3, 0)).hasMessage("itersPerEpoch (0) must be positive");
    assertThatThrownBy(() -> schedule.at(-3, 10)).hasMessage("iteration (-3) must be >= 0");
  }

  @Test
  void constructor_badArguments_throwNamingThem() {
    assertThatThrownBy(() -> new LrSchedule(1e-3, 1e-5, 25, 25))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("warmupEpochs (25.0) must be in [0, epochs (25.0))");
    assertThatThrownBy(() -> new LrSchedule(1e-3, 2e-3, 1, 25))
        .hasMessage("minLr (0.002) must be in [0, peakLr (0.001)]");
    assertThatThrownBy(() -> new LrSchedule(-1, 0, 1, 25)).hasMessage("peakLr (-1.0) must be a finite number >= 0");
    assertThatThrownBy(() -> new LrSchedule(1, 0, 0, 0)).hasMessage("epochs (0.0) must be a positive finite number");
  }
}
