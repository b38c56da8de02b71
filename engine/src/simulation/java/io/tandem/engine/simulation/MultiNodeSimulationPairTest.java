package io.tandem.engine.simulation;

import static org.assertj.core.api.Assertions.assertThat;

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
    MultiNodeSimulation.Totals totals = MultiNodeSimulation.runSeeds(options, 1000, 90);
    if (totals == null) {
      return;
    }
    assertThat(totals.runs()).isPositive();
    // with two voters a promotion needs both connected: about two runs in three get one
    assertThat(totals.promotions()).isGreaterThanOrEqualTo(totals.runs() / 2);
    assertThat(totals.completedWrites()).isGreaterThan(20L * totals.runs());
    assertThat(totals.disconnections()).isGreaterThanOrEqualTo(totals.runs());
  }

  @Test
  void twoReplicasThroughNetworkFaultsAndCrashesEndIdenticalWithNoDurableWriteLost() {
    MultiNodeSimulation.Options options = MultiNodeSimulation.Options.full().withNodes(2).withIoErrorPerMille(0);
    MultiNodeSimulation.Totals totals = MultiNodeSimulation.runSeeds(options, 1000, 90);
    if (totals == null) {
      return;
    }
    assertThat(totals.runs()).isPositive();
    assertThat(totals.completedWrites()).isGreaterThan(20L * totals.runs());
    assertThat(totals.crashes()).isGreaterThanOrEqualTo(totals.runs());
  }
}
