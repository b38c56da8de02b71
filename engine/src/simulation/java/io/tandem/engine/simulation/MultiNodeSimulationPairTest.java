package io.tandem.engine.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@link MultiNodeSimulation} with two replicas through every network fault — partitions, link
 * cuts, delay spikes, operator disconnects — while clients move the Primary around and write, with
 * every replication check: at most one Primary with quorum, reads consistent, and after the heal
 * identical replicas, equal generations, empty bitmaps and no durable write lost. 1000 seeds by
 * default ({@link SimulationSeeds}: {@code -Dseed=N} replays one); the same with crashes (kill
 * and power loss, then restart); and with every fault, disk I/O errors too. Where a heal leaves no
 * UpToDate copy (the only one was on a disk that failed), the operator promotes the node with the
 * newest data with force, as DRBD's operators do, and the checks then prove nothing durable was
 * lost. Three nodes: {@link MultiNodeSimulationThreeNodesTest}; more faults with three and four
 * nodes: {@link MultiNodeSimulationTest}.
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

  @Test
  void twoReplicasThroughEveryFaultIncludingDiskErrorsEndIdenticalWithNoDurableWriteLost() {
    MultiNodeSimulation.Options options = MultiNodeSimulation.Options.full().withNodes(2);
    MultiNodeSimulation.Totals totals = MultiNodeSimulation.runSeeds(options, 1000, 90);
    if (totals == null) {
      return;
    }
    assertThat(totals.runs()).isPositive();
    assertThat(totals.completedWrites()).isGreaterThan(20L * totals.runs());
    assertThat(totals.crashes()).isGreaterThanOrEqualTo(totals.runs());
    // the seed injects disk errors (1 to 5 per thousand file operations) in about one run in three
    assertThat(totals.ioErrors()).as("injected I/O errors").isGreaterThanOrEqualTo(totals.runs() / 20);
    // the operator steps in only where a disk failure left no UpToDate copy: a few runs, not most
    assertThat(totals.forcedPromotions()).as("forced promotions").isLessThan(totals.runs() / 10);
  }
}
