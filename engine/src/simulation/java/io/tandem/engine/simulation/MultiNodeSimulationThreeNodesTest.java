package io.tandem.engine.simulation;

import static org.assertj.core.api.Assertions.assertThat;

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
    MultiNodeSimulation.Totals totals = MultiNodeSimulation.runSeeds(options, 1000, 90);
    if (totals == null) {
      return;
    }
    assertThat(totals.runs()).isPositive();
    assertThat(totals.promotions()).isGreaterThanOrEqualTo(totals.runs());
    assertThat(totals.completedWrites()).isGreaterThan(20L * totals.runs());
    assertThat(totals.checkedReads()).isGreaterThan(5L * totals.runs());
    assertThat(totals.disconnections()).isGreaterThanOrEqualTo(totals.runs());
  }
}
