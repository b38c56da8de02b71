package io.tandem.engine.nbd;

import java.time.Duration;

/**
 * How much one client may have in flight: requests read but not yet answered, and the data they
 * hold (WRITE payloads and READ lengths). At either bound the connection stops reading until a
 * reply has been sent, so a client that pipelines without end slows down instead of filling memory
 * (at most {@code maxDataBytesInFlight} plus one 32 MiB request per connection). And how long a
 * client may take over the handshake before the connection is closed, so a client that connects
 * and says nothing does not hold a thread forever.
 */
public record NbdConnectionLimits(int maxRequestsInFlight, long maxDataBytesInFlight, Duration handshakeTimeout) {

  /** A minute: longer than an attach that waits for a promotion (30 s), far shorter than forever. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(60);

  /** 128 requests (qemu keeps at most 16 in flight, nbdcopy 64 by default), 64 MiB, a minute. */
  public static final NbdConnectionLimits DEFAULT = new NbdConnectionLimits(128, 64L * 1024 * 1024);

  public NbdConnectionLimits {
    if (maxRequestsInFlight < 1 || maxDataBytesInFlight < 1) {
      throw new IllegalArgumentException("limits must be positive: " + maxRequestsInFlight + " requests, "
          + maxDataBytesInFlight + " bytes");
    }
    if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException("handshake timeout " + handshakeTimeout + " must be positive");
    }
  }

  public NbdConnectionLimits(int maxRequestsInFlight, long maxDataBytesInFlight) {
    this(maxRequestsInFlight, maxDataBytesInFlight, DEFAULT_HANDSHAKE_TIMEOUT);
  }
}
