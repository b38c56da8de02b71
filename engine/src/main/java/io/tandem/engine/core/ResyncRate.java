package io.tandem.engine.core;

/**
 * How fast a SyncTarget pulls resync data (REPLICATION.md "Resync"; DRBD's {@code resync-rate} and
 * its dynamic controller {@code c-min-rate}/{@code c-max-rate}). Rates are in KiB per second of
 * the edge's clock, which reaches the core as {@link Event.Tick}s.
 *
 * @param fixedKibPerSecond FIXED: the rate; 0 = as fast as the window allows
 * @param minKibPerSecond DYNAMIC: the rate kept however busy the application is
 * @param maxKibPerSecond DYNAMIC: the rate when the application is idle
 */
public record ResyncRate(Mode mode, long fixedKibPerSecond, long minKibPerSecond, long maxKibPerSecond) {

  public enum Mode {
    FIXED,
    /** The rate is the maximum less the application's write rate, never below the minimum. */
    DYNAMIC
  }

  /** No limit. */
  public static final ResyncRate UNLIMITED = new ResyncRate(Mode.FIXED, 0, 0, 0);

  public ResyncRate {
    if (fixedKibPerSecond < 0 || minKibPerSecond < 0 || maxKibPerSecond < 0) {
      throw new IllegalArgumentException("resync rates must not be negative");
    }
    if (mode == Mode.DYNAMIC && (maxKibPerSecond == 0 || minKibPerSecond > maxKibPerSecond)) {
      throw new IllegalArgumentException("a dynamic resync rate needs 0 <= min <= max and max > 0, got min "
          + minKibPerSecond + " KiB/s and max " + maxKibPerSecond + " KiB/s");
    }
  }

  public static ResyncRate fixed(long kibPerSecond) {
    return new ResyncRate(Mode.FIXED, kibPerSecond, 0, 0);
  }

  public static ResyncRate dynamic(long minKibPerSecond, long maxKibPerSecond) {
    return new ResyncRate(Mode.DYNAMIC, 0, minKibPerSecond, maxKibPerSecond);
  }

  /** Whether resync runs without a rate (no ticks needed). */
  public boolean unlimited() {
    return mode == Mode.FIXED && fixedKibPerSecond == 0;
  }

  /**
   * The rate for the next interval, in bytes per second.
   *
   * @param applicationBytesPerSecond what the application wrote per second in the last interval
   */
  public long bytesPerSecond(long applicationBytesPerSecond) {
    if (mode == Mode.FIXED) {
      return fixedKibPerSecond * 1024;
    }
    long rate = maxKibPerSecond * 1024 - applicationBytesPerSecond;
    return Math.max(minKibPerSecond * 1024, Math.min(maxKibPerSecond * 1024, rate));
  }
}
