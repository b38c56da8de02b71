package io.tandem.engine.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The seed runner of {@link MultiNodeSimulation} with every fault and every check: 500 seeds by
 * default, seeds as in {@link SimulationSeeds} ({@code -Dseed=N} replays one,
 * {@code -Dsimulation.trace=true} prints its whole run), and no seed started after 45 s
 * ({@code -Dsimulation.budgetSeconds}). {@code -Dsimulation.ioErrorPerMille=N} fixes the rate of
 * injected I/O errors instead of the seed; {@code -Dsimulation.nodes=N} and
 * {@code -Dsimulation.crashes=false} narrow it; {@code -Dsimulation.clock=false} runs the cores without
 * the edge's clock, as the seeds kept from before it. While it is disabled, run it with
 * {@code -Djunit.jupiter.conditions.deactivate='org.junit.*DisabledCondition'}.
 */
@Disabled("replication passes two replicas through every fault (MultiNodeSimulationPairTest) and three through"
    + " network faults (MultiNodeSimulationThreeNodesTest); crashes and disk errors with three nodes, and four"
    + " nodes, still find seeds that end without convergence or with replicas that differ")
class MultiNodeSimulationTest {

  @Test
  void everySeedEndsWithIdenticalReplicasAndNoDurableWriteLost() {
    MultiNodeSimulation.Options options = MultiNodeSimulation.Options.full();
    Integer ioErrors = Integer.getInteger("simulation.ioErrorPerMille");
    if (ioErrors != null) {
      options = options.withIoErrorPerMille(ioErrors);
    }
    Integer nodes = Integer.getInteger("simulation.nodes");
    if (nodes != null) {
      options = options.withNodes(nodes);
    }
    if (System.getProperty("simulation.crashes") != null) {
      options = options.withCrashes(Boolean.getBoolean("simulation.crashes"));
    }
    if ("false".equals(System.getProperty("simulation.clock"))) {
      options = options.withoutClock(); // as the regression seeds kept from before the clock run
    }
    MultiNodeSimulation.Totals totals = MultiNodeSimulation.runSeeds(options, 500, 45);
    if (totals == null) {
      return;
    }
    // the runs must really have moved the Primary around, written, crashed and partitioned
    assertThat(totals.runs()).isPositive();
    assertThat(totals.promotions()).isGreaterThanOrEqualTo(totals.runs());
    assertThat(totals.completedWrites()).isGreaterThan(20L * totals.runs());
    assertThat(totals.checkedReads()).isGreaterThan(5L * totals.runs());
    assertThat(totals.crashes()).isGreaterThanOrEqualTo(totals.runs());
    assertThat(totals.disconnections()).isGreaterThanOrEqualTo(totals.runs());
  }
}
