package io.learngrid.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Peak-EWMA latency estimate")
class PeakEwmaTest {

  private static final long MS = 1_000_000;

  @Test
  @DisplayName("a slower sample is taken at once; faster ones pull it down by how long ago the last sample was")
  void peakThenDecay() {
    PeakEwma ewma = new PeakEwma(1_000);
    long t = 0;
    ewma.observe(10 * MS, t);
    assertThat(ewma.estimate(t)).isEqualTo(10.0 * MS);
    ewma.observe(500 * MS, t += MS);
    assertThat(ewma.estimate(t)).as("the peak, at once").isEqualTo(500.0 * MS);
    // One time constant later a 10 ms sample moves the average 1 - 1/e of the way towards it.
    ewma.observe(10 * MS, t += 1_000 * MS);
    assertThat(ewma.estimate(t)).isCloseTo(10 * MS + 490 * MS / Math.E, within(1.0 * MS));
  }

  @Test
  @DisplayName("unobserved, the estimate decays towards 0, so a once-slow upstream is tried again")
  void decaysWhileUnused() {
    PeakEwma ewma = new PeakEwma(1_000);
    ewma.observe(500 * MS, 0);
    assertThat(ewma.estimate(1_000 * MS)).isCloseTo(500 * MS / Math.E, within(1.0 * MS));
    assertThat(ewma.estimate(10_000 * MS)).isLessThan(1.0 * MS);
    assertThat(new PeakEwma(1_000).estimate(0)).as("never used").isZero();
  }
}
