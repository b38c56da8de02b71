package io.tandem.engine.nbd;

/**
 * Command flags as a session sees them. The server passes a flag only where it means something:
 * FUA on WRITE, TRIM and WRITE_ZEROES (clients may set it on other commands, where the server drops
 * it), NO_HOLE on WRITE_ZEROES.
 */
public enum NbdCommandFlag {
  /** Force unit access: complete only when this request's data is durable. */
  FUA,
  /** WRITE_ZEROES must leave the range allocated (no hole punched). */
  NO_HOLE
}
