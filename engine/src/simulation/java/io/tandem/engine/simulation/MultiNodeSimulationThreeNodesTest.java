package io.tandem.engine.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link MultiNodeSimulation} with three replicas through every network fault — partitions of any
 * shape, link cuts, delay spikes, operator disconnects — while clients move the Primary around and
 * write, with the engines' clock running (leases, split-brain rechecks, lazy bitmap writes) and
 * every replication check: at most one Primary with quorum, reads consistent, and after the heal
 * identical replicas, equal generations, empty bitmaps and no durable write lost. 1000 seeds by
 * default ({@link SimulationSeeds}: {@code -Dseed=N} replays one, {@code -Dsimulation.seeds=N} and
 * {@code -Dsimulation.base=B} choose others). Crashes and disk errors with three nodes still end
 * without convergence in some seeds: {@link MultiNodeSimulationTest}.
 */
class MultiNodeSimulationThreeNodesTest {

  @Test
  void threeReplicasThroughNetworkFaultsEndIdenticalWithNoDurableWriteLost() {
    MultiNodeSimulation.Options options = MultiNodeSimulation.Options.full().withNodes(3).withCrashes(false)
        .withIoErrorPerMille(0);
    long[] seeds = SimulationSeeds.seeds(1000);
    List<MultiNodeSimulation.Summary> runs = SimulationSeeds.runAll(seeds, 90,
        seed -> new MultiNodeSimulation(seed, options).run());
    if (SimulationSeeds.replaying()) {
      return;
    }
    assertThat(runs).isNotEmpty();
    assertThat(runs.stream().mapToLong(MultiNodeSimulation.Summary::promotions).sum())
        .isGreaterThanOrEqualTo(runs.size());
    assertThat(runs.stream().mapToLong(MultiNodeSimulation.Summary::completedWrites).sum())
        .isGreaterThan(20L * runs.size());
    assertThat(runs.stream().mapToLong(MultiNodeSimulation.Summary::checkedReads).sum())
        .isGreaterThan(5L * runs.size());
    assertThat(runs.stream().mapToLong(MultiNodeSimulation.Summary::disconnections).sum())
        .isGreaterThanOrEqualTo(runs.size());
  }
}
