package io.tandem.engine.simulation;

import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;

/**
 * The virtual clock of a simulation and what is scheduled on it. Actions due at the same instant
 * run in the order they were scheduled, so a run depends on nothing but its seed. The unit of time
 * is the simulation's own (the single-node simulation counts loosely in milliseconds, the
 * multi-node one in microseconds).
 */
final class SimulationClock {

  private record Scheduled(long at, long order, Runnable action) implements Comparable<Scheduled> {
    @Override
    public int compareTo(Scheduled other) {
      return at != other.at ? Long.compare(at, other.at) : Long.compare(order, other.order);
    }
  }

  private final PriorityQueue<Scheduled> queue = new PriorityQueue<>();
  private long now;
  private long sequence;

  long now() {
    return now;
  }

  /** Runs {@code action} at {@code at}, or at once on the next run if {@code at} has passed. */
  void schedule(long at, Runnable action) {
    queue.add(new Scheduled(at, sequence++, action));
  }

  void after(long delay, Runnable action) {
    schedule(now + delay, action);
  }

  /** Runs everything due up to {@code target}, each at its time, then moves the clock to {@code target}. */
  void advanceTo(long target) {
    while (!queue.isEmpty() && queue.peek().at() <= target) {
      runNext();
    }
    now = Math.max(now, target);
  }

  /** Runs the next scheduled action, moving the clock to its time; false if nothing is scheduled. */
  boolean runNext() {
    Scheduled next = queue.poll();
    if (next == null) {
      return false;
    }
    now = Math.max(now, next.at());
    next.action().run();
    return true;
  }

  /**
   * Runs scheduled actions until {@code done} holds.
   *
   * @throws AssertionError if nothing is left to run, or after {@code maxActions} actions
   */
  void runUntil(BooleanSupplier done, int maxActions) {
    int actions = 0;
    while (!done.getAsBoolean()) {
      if (queue.isEmpty() || actions++ > maxActions) {
        throw new AssertionError("stuck: nothing left to do and the condition does not hold");
      }
      runNext();
    }
  }

  /** Forgets everything scheduled (a crash of the only node). */
  void clear() {
    queue.clear();
  }
}
