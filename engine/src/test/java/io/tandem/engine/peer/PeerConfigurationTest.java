package io.tandem.engine.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Configuration checks: addresses, timings and peer lists fail at construction, not at the first dial. */
class PeerConfigurationTest {

  @Test
  void parsesHostAndPortWithBracketedIpv6() {
    assertThat(ReplicationAddress.parse("127.0.0.2:7789").getHostString()).isEqualTo("127.0.0.2");
    assertThat(ReplicationAddress.parse("127.0.0.2:7789").getPort()).isEqualTo(7789);
    assertThat(ReplicationAddress.parse("[::1]:7789").getHostString()).isEqualTo("::1");
  }

  @Test
  void rejectsAddressesWithoutAUsablePort() {
    for (String bad : List.of("host", ":7789", "host:", "host:x", "host:0", "host:65536")) {
      assertThatThrownBy(() -> ReplicationAddress.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aSilenceLimitNotAbovePingIntervalIsRejected() {
    Duration second = Duration.ofSeconds(1);
    assertThatThrownBy(() -> new PeerTimings(second, second, second, second, second, second))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("silence limit");
  }

  @Test
  void peersWithTheSameNodeIdOrTheLocalIdAreRejected() {
    byte[] secret = {1};
    PeerLinks.Listener quiet = new PeerLinks.Listener() {
      @Override
      public void connected(String peer, long connectionId, int version, long features) {}

      @Override
      public void disconnected(String peer, long connectionId, String reason) {}
    };
    assertThatThrownBy(() -> new PeerLinks("r0", 1, "127.0.0.1:7000", secret,
        List.of(new PeerEndpoint("b", 2, "127.0.0.1:7001"), new PeerEndpoint("c", 2, "127.0.0.1:7002")), quiet))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node id 2");
    assertThatThrownBy(() -> new PeerLinks("r0", 1, "127.0.0.1:7000", secret,
        List.of(new PeerEndpoint("b", 1, "127.0.0.1:7001")), quiet))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
