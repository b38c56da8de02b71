package io.tandem.engine.peer;

import java.time.Duration;
import java.util.Objects;

/**
 * The clocks of the links (package documentation, "Time").
 *
 * @param handshakeDeadline connect plus handshake must finish within this
 * @param pingInterval a PING goes out this often on an established connection
 * @param silenceLimit no frame for this long and the connection is dead
 * @param firstRedial the first redial delay, doubled on each failure
 * @param maxRedial the cap of the redial delay
 * @param tick how often the scheduler looks at the links; the resolution of all the above
 */
public record PeerTimings(Duration handshakeDeadline, Duration pingInterval, Duration silenceLimit,
    Duration firstRedial, Duration maxRedial, Duration tick) {

  public static final PeerTimings DEFAULT = new PeerTimings(Duration.ofSeconds(5), Duration.ofSeconds(1),
      Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofMillis(50));

  /**
   * The longest an established connection can be dead before this side reports it ended: the
   * silence limit, counted from the last frame, plus the scheduler's resolution.
   */
  public Duration deadLinkNoticedWithin() {
    return silenceLimit.plus(tick).plus(tick);
  }

  public PeerTimings {
    for (Duration d : new Duration[] {handshakeDeadline, pingInterval, silenceLimit, firstRedial, maxRedial, tick}) {
      Objects.requireNonNull(d, "timing");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("timings must be positive: " + d);
      }
    }
    if (silenceLimit.compareTo(pingInterval) <= 0) {
      // else a healthy idle connection would be declared dead between two pings
      throw new IllegalArgumentException("the silence limit " + silenceLimit + " must exceed the ping interval "
          + pingInterval);
    }
    if (maxRedial.compareTo(firstRedial) < 0) {
      throw new IllegalArgumentException("the maximum redial delay is below the first");
    }
  }
}
