package io.tandem.engine.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seed runner. By default it runs {@code simulation.seeds} seeds (2,000) spread by SplitMix64
 * from {@code simulation.base} (0, so every build explores the same runs; pass another base to
 * explore new ones). {@code -Dseed=N} replays exactly the one seed a failure printed
 * ({@link SimulationSeeds}).
 */
class SingleNodeSimulationTest {

  /** What one run exercised; the simulation itself is not kept (its files are large). */
  private record Exercised(long crashes, long writes) {}

  @Test
  void everySeedKeepsEveryFlushedWriteAndLogsEveryUnsyncedOne() {
    long[] seeds = SimulationSeeds.seeds(2000);
    List<Exercised> runs = SimulationSeeds.runAll(seeds, seed -> {
      SingleNodeSimulation simulation = new SingleNodeSimulation(seed);
      simulation.run();
      return new Exercised(simulation.crashes(), simulation.completedWrites());
    });
    if (SimulationSeeds.replaying()) {
      return;
    }
    long crashes = runs.stream().mapToLong(Exercised::crashes).sum();
    long writes = runs.stream().mapToLong(Exercised::writes).sum();
    // the workload must really exercise crashes and writes, or the checks above prove nothing
    assertThat(crashes).isGreaterThanOrEqualTo(seeds.length);
    assertThat(writes).isGreaterThan(seeds.length * 20L);
  }
}
