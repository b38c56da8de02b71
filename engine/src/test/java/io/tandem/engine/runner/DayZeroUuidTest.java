package io.tandem.engine.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DayZeroUuidTest {

  @Test
  void everyNodeOfAResourceStartsAVolumeWithTheSameGenerationAndOtherResourcesDoNot() throws Exception {
    EngineConfig three = EngineConfig.read(Path.of("examples/three-nodes.json"));
    EngineConfig single = EngineConfig.read(Path.of("examples/single.json"));
    long volume0 = TandemEngine.dayZeroUuid(three, 0);
    // the examples share resource name and secret: the same resource, the same day-0 generation
    assertThat(TandemEngine.dayZeroUuid(single, 0)).isEqualTo(volume0);
    assertThat(TandemEngine.dayZeroUuid(three, 1)).isNotEqualTo(volume0);
    assertThat(volume0 & 1).as("bit 0 is the primary marker, never part of a generation").isZero();
    EngineConfig other = new EngineConfig(three.file(), three.resource(), "another secret", three.protocol(),
        three.quorum(), three.onNoQuorum(), three.activityLogExtents(), three.volumes(), three.nodes());
    assertThat(TandemEngine.dayZeroUuid(other, 0)).isNotEqualTo(volume0);
  }
}
