package io.tandem.engine.core;

/** Modifiers of a request. */
public enum RequestFlag {
  /** Force unit access: durable before it completes. */
  FUA,
  /** WRITE_ZEROES must leave the range allocated. */
  NO_HOLE
}
