package io.tandem.engine.core;

import java.util.Locale;

/**
 * DRBD's {@code quorum} option (DRBD-REFERENCE.md §6.1): {@code off}, {@code majority}, {@code all}
 * or a number of voting nodes.
 *
 * @param count the number of voters needed for {@link Mode#COUNT}, else 0
 */
public record QuorumPolicy(Mode mode, int count) {

  public enum Mode {
    OFF,
    MAJORITY,
    ALL,
    COUNT
  }

  public static final QuorumPolicy OFF = new QuorumPolicy(Mode.OFF, 0);
  public static final QuorumPolicy MAJORITY = new QuorumPolicy(Mode.MAJORITY, 0);

  public QuorumPolicy {
    if ((mode == Mode.COUNT) != (count > 0) || count > 32) {
      throw new IllegalArgumentException("quorum " + mode + " with count " + count);
    }
  }

  /** Parses {@code off}, {@code majority}, {@code all} or {@code 1..32}. */
  public static QuorumPolicy parse(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    switch (value) {
      case "off":
        return OFF;
      case "majority":
        return MAJORITY;
      case "all":
        return new QuorumPolicy(Mode.ALL, 0);
      default:
        try {
          return new QuorumPolicy(Mode.COUNT, Integer.parseInt(value));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("quorum '" + text + "' is not off, majority, all or a number 1..32");
        }
    }
  }

  /**
   * Whether {@code visibleVoters} of {@code voters} diskful nodes (this one included when it has a
   * disk) are enough. Only diskful nodes vote (DRBD-REFERENCE.md §6.2); the finer rules —
   * outdated nodes that left, tiebreakers, a node alone after its own restart — come with the
   * connections that make them matter.
   */
  public QuorumVerdict evaluate(int voters, int visibleVoters) {
    if (visibleVoters < 0 || visibleVoters > voters) {
      throw new IllegalArgumentException(visibleVoters + " of " + voters + " voters visible");
    }
    int needed;
    switch (mode) {
      case OFF:
        return new QuorumVerdict(true, "quorum is off");
      case MAJORITY:
        needed = voters / 2 + 1;
        break;
      case ALL:
        needed = voters;
        break;
      default:
        needed = count;
    }
    String counted = visibleVoters + " of " + voters + " node" + (voters == 1 ? "" : "s") + " visible, need " + needed;
    return new QuorumVerdict(visibleVoters >= needed, counted);
  }
}
