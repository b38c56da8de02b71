package io.tandem.engine.nbd;

/**
 * How much one client may have in flight: requests read but not yet answered, and the data they
 * hold (WRITE payloads and READ lengths). At either bound the connection stops reading until a
 * reply has been sent, so a client that pipelines without end slows down instead of filling memory
 * (at most {@code maxDataBytesInFlight} plus one 32 MiB request per connection).
 */
public record NbdConnectionLimits(int maxRequestsInFlight, long maxDataBytesInFlight) {

  /** 128 requests (qemu keeps at most 16 in flight, nbdcopy 64 by default) and 64 MiB. */
  public static final NbdConnectionLimits DEFAULT = new NbdConnectionLimits(128, 64L * 1024 * 1024);

  public NbdConnectionLimits {
    if (maxRequestsInFlight < 1 || maxDataBytesInFlight < 1) {
      throw new IllegalArgumentException("limits must be positive: " + maxRequestsInFlight + " requests, "
          + maxDataBytesInFlight + " bytes");
    }
  }
}
