package io.tandem.engine.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongFunction;

/**
 * Which seeds a simulation test runs, from the system properties every simulation test shares:
 * {@code -Dseed=N} replays exactly the one seed a failure printed; otherwise
 * {@code simulation.seeds} seeds (a default per test) spread by SplitMix64 from
 * {@code simulation.base} (0, so every build explores the same runs; pass another base to explore
 * new ones). Seeds run in parallel on {@code simulation.threads} threads (one per processor): each
 * run is self-contained, so it does the same on any thread. {@code -Dsimulation.survey=true} runs
 * every seed even after failures and ends with a list of the failing seeds and their first lines.
 */
final class SimulationSeeds {

  private SimulationSeeds() {}

  /** Whether {@code -Dseed=N} asks for one seed only. */
  static boolean replaying() {
    return System.getProperty("seed") != null;
  }

  /** The seeds to run: the replayed one, or {@code simulation.seeds} (else {@code defaultCount}) new ones. */
  static long[] seeds(int defaultCount) {
    String single = System.getProperty("seed");
    if (single != null) {
      return new long[] {Long.parseLong(single.trim())};
    }
    int count = Integer.getInteger("simulation.seeds", defaultCount);
    long base = Long.getLong("simulation.base", 0L);
    long[] seeds = new long[count];
    for (int i = 0; i < count; i++) {
      seeds[i] = SplitMix64.mix(base + i);
    }
    return seeds;
  }

  /**
   * Runs every seed and returns the results in seed order. A failing run's error is rethrown as
   * is (it names its seed); when several fail, the first in seed order among those that ran (the
   * seeds not started when one failed are skipped).
   */
  static <T> List<T> runAll(long[] seeds, LongFunction<T> run) {
    return runAll(seeds, 0, run);
  }

  /**
   * As {@link #runAll(long[], LongFunction)}, but no seed starts after {@code budgetSeconds} of
   * wall-clock time ({@code simulation.budgetSeconds} overrides it; 0: no limit; never when a
   * seed is replayed): the results are those of the seeds that ran. Which seeds run then depends
   * on the machine; what each of them does does not.
   */
  static <T> List<T> runAll(long[] seeds, int budgetSeconds, LongFunction<T> run) {
    int budget = replaying() ? 0 : Integer.getInteger("simulation.budgetSeconds", budgetSeconds);
    long deadline = budget > 0 ? System.nanoTime() + budget * 1_000_000_000L : Long.MAX_VALUE;
    int threads = Math.max(1, Math.min(seeds.length,
        Integer.getInteger("simulation.threads", Runtime.getRuntime().availableProcessors())));
    // once a seed failed (or the budget is spent), the seeds not started yet are skipped
    AtomicBoolean stop = new AtomicBoolean();
    boolean survey = Boolean.getBoolean("simulation.survey");
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Callable<T>> runs = new ArrayList<>();
    for (long seed : seeds) {
      runs.add(() -> {
        if (stop.get() || System.nanoTime() > deadline) {
          return null;
        }
        try {
          return run.apply(seed);
        } catch (RuntimeException | Error e) {
          if (survey) {
            String message = String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
            failures.add(seed + ": " + message.lines().findFirst().orElse(""));
            return null;
          }
          stop.set(true);
          throw e;
        }
      });
    }
    List<T> results = threads == 1 ? runInline(runs) : runInPool(runs, threads);
    if (results.size() < seeds.length) {
      System.out.println(results.size() + " of " + seeds.length + " seeds ran within the budget of " + budget + " s");
    }
    if (!failures.isEmpty()) {
      throw new AssertionError(failures.size() + " of " + seeds.length + " seeds failed:\n  "
          + String.join("\n  ", failures));
    }
    return results;
  }

  private static <T> List<T> runInline(List<Callable<T>> runs) {
    List<T> results = new ArrayList<>();
    for (Callable<T> run : runs) {
      T result;
      try {
        result = run.call();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      if (result != null) {
        results.add(result);
      }
    }
    return results;
  }

  private static <T> List<T> runInPool(List<Callable<T>> runs, int threads) {
    ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
      Thread thread = new Thread(runnable, "simulation");
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> run : runs) {
        futures.add(pool.submit(run));
      }
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        T result = future.get();
        if (result != null) {
          results.add(result);
        }
      }
      return results;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the seeds ran", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
