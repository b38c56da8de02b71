package io.tandem.engine.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeds of {@link MultiNodeSimulation} with three or four nodes that once failed (network faults,
 * or every fault), kept while that configuration is not yet part of the build as a whole
 * ({@link MultiNodeSimulationTest}): each must pass every check. Each names what it found.
 */
class MultiNodeSimulationRegressionTest {

  // the seeds were found before the cores had a clock: they replay without one
  private static final MultiNodeSimulation.Options THREE_NODES_NETWORK_FAULTS = MultiNodeSimulation.Options.full()
      .withNodes(3).withCrashes(false).withIoErrorPerMille(0).withoutClock();
  private static final MultiNodeSimulation.Options THREE_NODES_EVERY_FAULT = MultiNodeSimulation.Options.full()
      .withNodes(3).withoutClock();
  private static final MultiNodeSimulation.Options THREE_NODES_NETWORK_FAULTS_WITH_CLOCK =
      MultiNodeSimulation.Options.full().withNodes(3).withCrashes(false).withIoErrorPerMille(0);
  private static final MultiNodeSimulation.Options THREE_NODES_EVERY_FAULT_WITH_CLOCK =
      MultiNodeSimulation.Options.full().withNodes(3);
  private static final MultiNodeSimulation.Options FOUR_NODES_NETWORK_FAULTS_WITH_CLOCK =
      MultiNodeSimulation.Options.full().withNodes(4).withCrashes(false).withIoErrorPerMille(0);

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {
      // a Primary on a silently dead link became SyncTarget with a protocol A write and a flush
      // pending, then confirmed both once it noticed the loss: the resync had replaced the write
      3366007655283134767L,
      // a peer lost over a silently dead link came back as "unrelated data": its slot started at a
      // generation it never received
      -4266536433689457921L,
      // a Primary that lost quorum with nothing acknowledged in its branch held a split brain; later
      // two nodes, both Inconsistent while resyncing from the third, held each other as one
      -4881772309812929980L,
      // a Secondary in sync with a SyncTarget, both behind the source's generation, never got what
      // the target resynced
      -8412065011434420316L,
      // a write queued behind a new generation when quorum went was acknowledged from the local
      // disk alone
      -1512699648912621904L,
      // a Primary took a generation by resync with a peer away and wrote in it: the peer and it held
      // different data under one generation, and an acknowledged write was lost
      2939829710348414436L,
      // a Primary that yielded its branch stayed Primary: a later flush confirmed a write the
      // resync had taken back, and its client went on reading data that changed under it
      -8676804462035448029L,
      2743416142102549658L,
      // two slots tracking the same generation, one side Inconsistent, were taken for an
      // interrupted full sync: the side that was behind became the source
      -7592287900735085567L,
      // a peer in sync with a node that finished resyncing from a third kept marks for it that
      // nobody would ever resync or drop
      -146802642833278856L,
      // a SyncSource that took a newer generation from another node while serving left those
      // blocks unmarked for its own target: both ended in one generation with different data
      9102940088911286829L,
      // a SyncTarget kept fetching a block that took a write the source missed, after the Primary
      // had gone: the resync never ended
      -8873004102322799530L,
      // two nodes resyncing one generation from a third told each other what changed: each then
      // waited for the other as its source
      -4001961081905864152L,
      // with protocol A a Primary acknowledged writes no peer received over a silently dead link,
      // then lost quorum; the majority moved on, and its branch was held as a split brain
      -7916382670036251953L,
      1243045329627533100L})
  void threeNodesThroughNetworkFaults(long seed) {
    MultiNodeSimulation.Summary summary = new MultiNodeSimulation(seed, THREE_NODES_NETWORK_FAULTS).run();
    assertThat(summary.completedWrites()).isPositive();
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {
      // a SyncTarget that settled a pending comparison with a peer of its adopted generation took
      // the peer's bitmap, still on its way, as a new resync: it stayed SyncSource of the whole
      // volume towards a peer that was Established
      -7620021774673260523L,
      // the answer to a resync request, read before a write the source then took, cleared the mark
      // the source's out-of-sync notice had set meanwhile: the target went UpToDate without the
      // write, was promoted and served the older data
      4961642801699973111L,
      // a resync write that landed after its resync paused did not mark the peer away
      5568169372788994576L,
      // a Secondary did not mark writes for a node they were not sent to; it then served that node
      // a resync without them
      -980991831389260041L,
      // a target adopted its source's count of the generation's writes, which named writes still
      // unsettled and unmarked; or kept a count of an older generation
      1152905321334523334L,
      -7036800201947473343L,
      // the bitmap UUID of a peer that followed a newer generation during its resync was never
      // cleared; the history then lost the shared generation and a split brain was held
      -953200263041834036L,
      // the marks of unsettled writes were counted after the notice of what was marked
      283545940951472360L,
      // writes waiting behind an overlapping one pinned every activity-log extent the first needed
      2118588733758301996L,
      // a node told that a peer finished from a third node dropped marks of blocks that node lacked
      -1146704503245986336L,
      2058927459792275528L,
      // a resync write landed after its connection ended and marked no connected peer
      6671198382131605575L,
      // a generation that never reached a node in sync with its peer left the two labelled apart
      -8798169879333498698L,
      // a Primary ignored a notice of blocks it lacked; the peer stayed SyncSource
      -2914558841189462013L,
      // a source in sync with the fencing Primary refused to vouch for its writes from before
      -6209689716523730487L,
      // a target fetched back from its source blocks holding writes the source missed
      -4881772309812929980L,
      // a resync write that landed after its connection ended marked a peer in sync, and nothing
      // ever told that peer: the marks stayed after the heal
      -6972431668109788777L,
      9070587492826488163L,
      8221927118624595822L})
  void threeNodesThroughNetworkFaultsWithTheClock(long seed) {
    MultiNodeSimulation.Summary summary = new MultiNodeSimulation(seed, THREE_NODES_NETWORK_FAULTS_WITH_CLOCK).run();
    assertThat(summary.completedWrites()).isPositive();
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {
      // a Secondary took a write from a Primary whose disk had failed and marked those blocks in
      // sync with it; the Primary, resynced later, never got them, and the only copy was lost
      2914380442709976269L,
      // a peer's acknowledgement of a write cleared the mark of a block the failed local disk
      // lacked (broke the in-flight-write invariant): a write the disk failed under, and a write
      // through the peers after it
      -2929144642507117846L})
  void threeNodesThroughEveryFault(long seed) {
    MultiNodeSimulation.Summary summary = new MultiNodeSimulation(seed, THREE_NODES_EVERY_FAULT).run();
    assertThat(summary.completedWrites()).isPositive();
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {
      // no UpToDate copy was left after the heal; the operator's forced promotion went to an
      // Inconsistent node that the crashed Primary's marks made a source, and lost a durable write
      -1512699648912621904L,
      // the forced promotion went to the latest Primary, whose disk had failed before a durable
      // write; the Outdated peer the generations named newer held it
      8661739536773468720L,
      // a Primary whose disk had failed wrote through its peers; a peer of an older generation
      // connected, took its writes and its next generation without the data of the current one,
      // then served that stale data as UpToDate: a durable write read back as never written
      -8693192994549575675L})
  void threeNodesThroughEveryFaultWithTheClock(long seed) {
    MultiNodeSimulation.Summary summary = new MultiNodeSimulation(seed, THREE_NODES_EVERY_FAULT_WITH_CLOCK).run();
    assertThat(summary.forcedPromotions()).isPositive();
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {
      // the Primary's own write that a peer missed, then a generation the Primary started without
      // it: the peer took that generation's label from a third node that lacked the write too, and
      // the Primary, demoted, fetched its own block back from the peer
      -9186087665489710237L,
      // resync writes that landed after their connection ended marked peers in sync: the peers
      // were never told and the marks stayed (once at the end of a resync, once when a new
      // connection found the same data)
      -3388917876749333114L,
      5329533497540776603L})
  void fourNodesThroughNetworkFaultsWithTheClock(long seed) {
    MultiNodeSimulation.Summary summary = new MultiNodeSimulation(seed, FOUR_NODES_NETWORK_FAULTS_WITH_CLOCK).run();
    assertThat(summary.completedWrites()).isPositive();
  }
}
