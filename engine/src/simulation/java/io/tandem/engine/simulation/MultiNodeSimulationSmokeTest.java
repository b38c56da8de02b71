package io.tandem.engine.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fast runs of {@link MultiNodeSimulation} that pass without replication: two nodes through
 * network faults (partitions, cuts, delay spikes, operator disconnects) with clients trying to
 * attach, and one node through every check of the cluster harness. Seeds as in
 * {@link SimulationSeeds}; {@code -Dseed=N} replays one.
 */
class MultiNodeSimulationSmokeTest {

  /**
   * No core invariant breaks, never two Primaries, and after the heal every node reports every
   * peer Connected, with no I/O in flight.
   */
  @Test
  void twoNodesThroughNetworkFaultsEndConnected() {
    long[] seeds = SimulationSeeds.seeds(200);
    List<MultiNodeSimulation.Summary> runs = SimulationSeeds.runAll(seeds,
        seed -> new MultiNodeSimulation(seed, MultiNodeSimulation.Options.smoke()).run());
    if (SimulationSeeds.replaying()) {
      return;
    }
    // the network must really have come and gone, or the checks above prove little
    assertThat(runs.stream().mapToLong(MultiNodeSimulation.Summary::disconnections).sum())
        .isGreaterThanOrEqualTo(seeds.length);
    assertThat(runs.stream().mapToLong(MultiNodeSimulation.Summary::connections).sum())
        .isGreaterThan(2L * seeds.length);
  }

  /**
   * The model, the crash handling and the final checks of the harness, on the one topology that
   * needs no replication: reads, the durability of flushed writes across power losses, and the
   * final content.
   */
  @Test
  void oneNodePassesEveryCheckOfTheClusterHarness() {
    long[] seeds = SimulationSeeds.seeds(100);
    List<MultiNodeSimulation.Summary> runs = SimulationSeeds.runAll(seeds,
        seed -> new MultiNodeSimulation(seed, MultiNodeSimulation.Options.singleNode()).run());
    if (SimulationSeeds.replaying()) {
      return;
    }
    assertThat(runs.stream().mapToLong(MultiNodeSimulation.Summary::completedWrites).sum())
        .isGreaterThan(20L * seeds.length);
    assertThat(runs.stream().mapToLong(MultiNodeSimulation.Summary::checkedReads).sum())
        .isGreaterThan(10L * seeds.length);
    assertThat(runs.stream().mapToLong(MultiNodeSimulation.Summary::crashes).sum())
        .isGreaterThanOrEqualTo(seeds.length);
  }
}
