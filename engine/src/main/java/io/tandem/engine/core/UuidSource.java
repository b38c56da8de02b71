package io.tandem.engine.core;

/**
 * Where new generation UUIDs come from. The core takes no randomness of its own: the runtime
 * passes a {@code SecureRandom}, the simulation a generator seeded from its seed.
 */
@FunctionalInterface
public interface UuidSource {

  /** A fresh random UUID; the core clears bit 0 and avoids the reserved values. */
  long next();
}
