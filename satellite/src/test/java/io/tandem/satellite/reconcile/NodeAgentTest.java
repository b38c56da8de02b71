package io.tandem.satellite.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tandem.link.LinkMessage.DesiredState;
import io.tandem.link.LinkMessage.NodeState;
import io.tandem.link.LinkMessage.ObservedState;
import io.tandem.link.LinkMessage.PoolObservation;
import io.tandem.link.LinkMessage.PoolSpec;
import io.tandem.satellite.storage.ProviderProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The desired state in, the observed state out, stamped with the version it has fully applied. */
class NodeAgentTest {
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final ProviderProbe.Providers FILE_ONLY = new ProviderProbe.Providers(
            List.of("DISKLESS", "FILE", "FILE_THIN"), Map.of("LVM", List.of("'vgs' is not installed")));

    @TempDir
    Path temp;

    private NodeAgent agent;
    private final List<ObservedState> reported = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startAgent() {
        agent = new NodeAgent(FILE_ONLY);
        agent.addObserver(reported::add);
    }

    @AfterEach
    void closeAgent() {
        agent.close();
    }

    private PoolSpec filePool(String name) throws IOException {
        Path directory = Files.createDirectories(temp.resolve(name));
        return new PoolSpec(name, "FILE_THIN", Map.of("StorDriver/FileDir", directory.toString()));
    }

    private static DesiredState desired(long version, PoolSpec... pools) {
        return new DesiredState(version, new NodeState("node-a", Arrays.asList(pools)));
    }

    /** Polls every millisecond: the agent answers within a few, and some tests wait hundreds of times. */
    private static ConditionFactory waitAtMostBound() {
        return await().atMost(BOUND).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1));
    }

    private ObservedState awaitApplied(long version) {
        waitAtMostBound().until(() -> agent.observed().appliedVersion() == version);
        return agent.observed();
    }

    private static List<String> poolNames(ObservedState observed) {
        return observed.pools().stream().map(PoolObservation::name).toList();
    }

    @Test
    void beforeAnyDesiredStateNothingIsApplied() {
        assertThat(agent.observed()).isEqualTo(new ObservedState(-1, List.of()));
    }

    @Test
    void aDesiredPoolIsObservedWithItsCapacityOnceApplied() throws IOException {
        agent.apply(desired(1, filePool("pool-a")));

        ObservedState observed = awaitApplied(1);
        assertThat(observed.pools()).singleElement().satisfies(pool -> {
            assertThat(pool.name()).isEqualTo("pool-a");
            assertThat(pool.problems()).isEmpty();
            assertThat(pool.totalKib()).isPositive();
        });
        waitAtMostBound().until(() -> !reported.isEmpty() && reported.get(reported.size() - 1).equals(observed));
    }

    @Test
    void appliedVersionIsTheLatestVersionOnceReconciled() throws IOException {
        PoolSpec a = filePool("pool-a");
        PoolSpec b = filePool("pool-b");
        agent.apply(desired(1, a));
        agent.apply(desired(2, a, b));
        agent.apply(desired(3, b));

        ObservedState observed = awaitApplied(3);
        assertThat(poolNames(observed)).containsExactly("pool-b");
        // every report is stamped with a version that was fully applied when it was made
        assertThat(reported).allSatisfy(report -> assertThat(report.appliedVersion()).isIn(-1L, 1L, 2L, 3L));
    }

    @Test
    void anEmptyDesiredStateIsAppliedAtOnce() {
        agent.apply(desired(4));
        assertThat(agent.observed()).isEqualTo(new ObservedState(4, List.of()));
        agent.apply(new DesiredState(5, null));
        assertThat(agent.observed()).isEqualTo(new ObservedState(5, List.of()));
    }

    @Test
    void anOlderVersionIsIgnored() throws IOException {
        PoolSpec a = filePool("pool-a");
        agent.apply(desired(5, a));
        ObservedState atFive = awaitApplied(5);

        agent.apply(desired(4, filePool("pool-old")));
        assertThat(agent.observed()).isEqualTo(atFive);

        agent.apply(desired(6, a));
        awaitApplied(6);
        assertThat(reported).noneSatisfy(report -> assertThat(report.appliedVersion()).isEqualTo(4));
        assertThat(reported).noneSatisfy(report -> assertThat(poolNames(report)).contains("pool-old"));
    }

    @Test
    void observationsOfPoolsNoLongerDesiredAreDropped() throws IOException {
        agent.apply(desired(1, filePool("pool-a"), filePool("pool-b")));
        assertThat(poolNames(awaitApplied(1))).containsExactly("pool-a", "pool-b");

        agent.apply(desired(2, filePool("pool-a")));
        assertThat(poolNames(awaitApplied(2))).containsExactly("pool-a");

        agent.apply(desired(3));
        assertThat(awaitApplied(3).pools()).isEmpty();
    }

    @Test
    void aPoolDroppedWhileItIsBeingReconciledIsNotObservedAfterwards() throws IOException {
        // the second version arrives while the first one's reconcile of pool-b may be running: pool-b
        // must not be left behind as an observation of a pool the controller no longer wants
        PoolSpec a = filePool("pool-a");
        PoolSpec b = filePool("pool-b");
        for (int round = 0; round < 200; round++) {
            agent.apply(desired(2L * round + 1, a, b));
            agent.apply(desired(2L * round + 2, a));
            assertThat(poolNames(awaitApplied(2L * round + 2))).as("round " + round).containsExactly("pool-a");
        }
    }

    @Test
    void aPoolWithAProblemIsStillApplied() throws IOException {
        PoolSpec missing = new PoolSpec("pool-m", "FILE", Map.of("StorDriver/FileDir", temp.resolve("nope").toString()));
        PoolSpec lvm = new PoolSpec("pool-l", "LVM", Map.of());
        agent.apply(desired(1, missing, lvm));

        ObservedState observed = awaitApplied(1);
        assertThat(observed.pools()).extracting(PoolObservation::name).containsExactly("pool-l", "pool-m");
        assertThat(observed.pools()).allSatisfy(pool -> assertThat(pool.problems()).isNotEmpty());
    }

    @Test
    void afterResendTheUnchangedStateIsReportedAgain() {
        // a diskless pool's observation never changes, unlike a directory's free space
        PoolSpec diskless = new PoolSpec("diskless", "DISKLESS", Map.of());
        agent.apply(desired(1, diskless));
        ObservedState observed = awaitApplied(1);
        waitAtMostBound().until(() -> reported.contains(observed));

        int before = reported.size();
        agent.resend();
        agent.apply(desired(1, diskless));
        waitAtMostBound().until(() -> reported.size() > before);
        assertThat(reported.subList(before, reported.size())).containsOnly(observed);
    }
}
