package io.tandem.engine.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The seed runner. By default it runs {@code simulation.seeds} seeds (2,000) spread by SplitMix64
 * from {@code simulation.base} (0, so every build explores the same runs; pass another base to
 * explore new ones). {@code -Dseed=N} replays exactly the one seed a failure printed.
 */
class SingleNodeSimulationTest {

  @Test
  void everySeedKeepsEveryFlushedWriteAndLogsEveryUnsyncedOne() {
    String single = System.getProperty("seed");
    if (single != null) {
      new SingleNodeSimulation(Long.parseLong(single)).run();
      return;
    }
    int seeds = Integer.getInteger("simulation.seeds", 2000);
    long base = Long.getLong("simulation.base", 0L);
    long crashes = 0;
    long writes = 0;
    for (int i = 0; i < seeds; i++) {
      SingleNodeSimulation simulation = new SingleNodeSimulation(SplitMix64.mix(base + i));
      simulation.run();
      crashes += simulation.crashes();
      writes += simulation.completedWrites();
    }
    // the workload must really exercise crashes and writes, or the checks above prove nothing
    assertThat(crashes).isGreaterThanOrEqualTo(seeds);
    assertThat(writes).isGreaterThan(seeds * 20L);
  }
}
