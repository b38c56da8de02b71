package io.tandem.engine.storage;

import io.tandem.engine.storage.FileOperation.Kind;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Decides which operations of a {@link MemoryFileSystem} fail with an I/O error, as pebble's
 * {@code errorfs} does: consulted before every operation, in the order the caller makes them. A
 * policy that draws from a Random it was given (never one of its own, never the clock) makes the
 * same decisions for the same seed, so a simulation that fails replays exactly.
 *
 * <p>A failed operation has no effect at all; see {@link MemoryFileSystem#setFaultPolicy}.
 */
@FunctionalInterface
public interface FaultPolicy {

  /** Every operation succeeds. */
  FaultPolicy NONE = operation -> Optional.empty();

  /**
   * Called before {@code operation} runs; single-threaded, like the simulation.
   *
   * @return the error to fail it with, or empty to let it run
   */
  Optional<IOException> faultFor(FileOperation operation);

  /**
   * Fails each operation of the given kinds with {@code probability}, one draw from {@code random}
   * per such operation (none for other kinds, so adding reads does not shift the writes' faults).
   */
  static FaultPolicy failingAtRandom(Random random, double probability, Set<Kind> kinds) {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("not a probability: " + probability);
    }
    Set<Kind> failing = kinds.isEmpty() ? EnumSet.noneOf(Kind.class) : EnumSet.copyOf(kinds);
    return operation -> failing.contains(operation.kind()) && random.nextDouble() < probability
        ? Optional.of(injected(operation))
        : Optional.empty();
  }

  /** Fails the next operation of {@code kind} on {@code path}, once; everything else succeeds. */
  static FaultPolicy failingNext(String path, Kind kind) {
    boolean[] failed = {false};
    return operation -> {
      if (!failed[0] && operation.kind() == kind && operation.path().equals(path)) {
        failed[0] = true;
        return Optional.of(injected(operation));
      }
      return Optional.empty();
    };
  }

  /** The error the built-in policies inject, naming the operation. */
  static IOException injected(FileOperation operation) {
    return new IOException("injected I/O error: " + operation);
  }
}
