package io.tandem.satellite.reconcile;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A work queue keyed by object: a key enqueued while it is pending runs once; a key enqueued while
 * it runs runs again afterwards; no key ever runs on two workers at once. A step that reports
 * {@link Result#RETRY} is run again after a growing delay.
 */
public final class KeyedWorkQueue<K> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KeyedWorkQueue.class);

    public enum Result { DONE, RETRY }

    /** What a key is doing; absent means idle. */
    private enum State { QUEUED, RUNNING, RUNNING_AGAIN }

    /** One reconcile step for one key. */
    public interface Step<K> {
        Result reconcile(K key);
    }

    private final Step<K> step;
    private final Consumer<K> afterEach;
    private final ExecutorService workers;
    private final ScheduledExecutorService retries;
    private final Map<K, State> states = new HashMap<>();
    private final Map<K, Integer> failures = new HashMap<>();

    public KeyedWorkQueue(String name, int workerCount, Step<K> step, Consumer<K> afterEach) {
        this.step = step;
        this.afterEach = afterEach;
        this.workers = Executors.newFixedThreadPool(workerCount, named(name + "-worker"));
        this.retries = Executors.newSingleThreadScheduledExecutor(named(name + "-retry"));
    }

    public synchronized void enqueue(K key) {
        State state = states.get(key);
        if (state == null) {
            states.put(key, State.QUEUED);
            workers.execute(() -> run(key));
        } else if (state == State.RUNNING) {
            states.put(key, State.RUNNING_AGAIN);
        }
    }

    /** True when no key is queued or running. */
    public synchronized boolean isIdle() {
        return states.isEmpty();
    }

    private void run(K key) {
        synchronized (this) {
            states.put(key, State.RUNNING);
        }
        Result result;
        try {
            result = step.reconcile(key);
        } catch (RuntimeException e) {
            log.error("Reconciling {} failed unexpectedly; will retry", key, e);
            result = Result.RETRY;
        }
        long retryDelayMs = -1;
        synchronized (this) {
            boolean again = states.get(key) == State.RUNNING_AGAIN;
            if (result == Result.RETRY) {
                int count = failures.merge(key, 1, Integer::sum);
                retryDelayMs = Math.min(30_000L, 200L << Math.min(count, 8));
            } else {
                failures.remove(key);
            }
            if (again) {
                states.put(key, State.QUEUED);
                workers.execute(() -> run(key));
            } else {
                states.remove(key);
            }
        }
        if (retryDelayMs >= 0) {
            retries.schedule(() -> enqueue(key), retryDelayMs, TimeUnit.MILLISECONDS);
        }
        afterEach.accept(key);
    }

    @Override
    public void close() {
        retries.shutdownNow();
        workers.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
