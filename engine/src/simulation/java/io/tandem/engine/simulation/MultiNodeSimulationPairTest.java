package io.tandem.engine.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link MultiNodeSimulation} with two replicas through every network fault — partitions, link
 * cuts, delay spikes, operator disconnects — while clients move the Primary around and write, with
 * every replication check: at most one Primary with quorum, reads consistent, and after the heal
 * identical replicas, equal generations, empty bitmaps and no durable write lost. 1000 seeds by
 * default ({@link SimulationSeeds}: {@code -Dseed=N} replays one); and the same with crashes (kill
 * and power loss, then restart). Disk errors and three or more nodes run in
 * {@link MultiNodeSimulationTest}.
 */
class MultiNodeSimulationPairTest {

  @Test
  void twoReplicasThroughNetworkFaultsEndIdenticalWithNoDurableWriteLost() {
    MultiNodeSimulation.Options options = MultiNodeSimulation.Options.full().withNodes(2).withCrashes(false)
        .withIoErrorPerMille(0);
    long[] seeds = SimulationSeeds.seeds(1000);
    List<MultiNodeSimulation.Summary> runs = SimulationSeeds.runAll(seeds, 90,
        seed -> new MultiNodeSimulation(seed, options).run());
    if (SimulationSeeds.replaying()) {
      return;
    }
    assertThat(runs).isNotEmpty();
    // with two voters a promotion needs both connected: about two runs in three get one
    assertThat(runs.stream().mapToLong(MultiNodeSimulation.Summary::promotions).sum())
        .isGreaterThanOrEqualTo(runs.size() / 2);
    assertThat(runs.stream().mapToLong(MultiNodeSimulation.Summary::completedWrites).sum())
        .isGreaterThan(20L * runs.size());
    assertThat(runs.stream().mapToLong(MultiNodeSimulation.Summary::disconnections).sum())
        .isGreaterThanOrEqualTo(runs.size());
  }

  @Test
  void twoReplicasThroughNetworkFaultsAndCrashesEndIdenticalWithNoDurableWriteLost() {
    MultiNodeSimulation.Options options = MultiNodeSimulation.Options.full().withNodes(2).withIoErrorPerMille(0);
    long[] seeds = SimulationSeeds.seeds(1000);
    List<MultiNodeSimulation.Summary> runs = SimulationSeeds.runAll(seeds, 90,
        seed -> new MultiNodeSimulation(seed, options).run());
    if (SimulationSeeds.replaying()) {
      return;
    }
    assertThat(runs).isNotEmpty();
    assertThat(runs.stream().mapToLong(MultiNodeSimulation.Summary::completedWrites).sum())
        .isGreaterThan(20L * runs.size());
    assertThat(runs.stream().mapToLong(MultiNodeSimulation.Summary::crashes).sum())
        .isGreaterThanOrEqualTo(runs.size());
  }
}
