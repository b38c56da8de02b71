package io.tandem.engine.core;

/** Whether a data operation must be durable before it is reported done. */
public enum Durability {
  /** Done when the file system has it (it may sit in a cache). */
  CACHED,
  /** Done when it is on stable storage (the file is synced after it). */
  FORCED
}
