package io.tandem.engine.core;

import java.util.Locale;

/**
 * What happens when both sides of a connection wrote while apart (DRBD's {@code after-sb-0pri} /
 * {@code after-sb-1pri} family, REPLICATION.md "Split brain"). Every policy other than
 * {@link #DISCONNECT} may resolve it by syncing one side's changes over the other's; the side
 * chosen to lose its changes must be Secondary, else the connection stays StandAlone.
 */
public enum SplitBrainPolicy {
  /** Stay StandAlone; an operator resolves it with discard-my-data on the losing side (the default). */
  DISCONNECT("disconnect"),
  /** The side that wrote nothing since the split loses; if both wrote, disconnect. */
  DISCARD_ZERO_CHANGES("discard-zero-changes"),
  /** The side with fewer changed blocks loses; on a tie, the higher node id. */
  DISCARD_LEAST_CHANGES("discard-least-changes"),
  /** The Secondary loses when the other side is Primary; else disconnect. */
  DISCARD_SECONDARY("discard-secondary");

  private final String text;

  SplitBrainPolicy(String text) {
    this.text = text;
  }

  /** The configuration word. */
  public String text() {
    return text;
  }

  /** The policy a configuration word names, or null. */
  public static SplitBrainPolicy ofText(String text) {
    String wanted = text.trim().toLowerCase(Locale.ROOT);
    for (SplitBrainPolicy policy : values()) {
      if (policy.text.equals(wanted)) {
        return policy;
      }
    }
    return null;
  }
}
