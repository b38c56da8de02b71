package io.tandem.satellite.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tandem.satellite.reconcile.KeyedWorkQueue.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One worker per key, coalescing, run-again-after-running, retries; waits on latches, never sleeps. */
class KeyedWorkQueueTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

    private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    private final List<String> afterEach = new CopyOnWriteArrayList<>();
    private final List<KeyedWorkQueue<String>> queues = new ArrayList<>();

    @AfterEach
    void closeQueues() {
        queues.forEach(KeyedWorkQueue::close);
    }

    private KeyedWorkQueue<String> queue(int workers, Function<String, Result> step) {
        KeyedWorkQueue<String> queue = new KeyedWorkQueue<>("test", workers, key -> {
            runs.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            return step.apply(key);
        }, afterEach::add);
        queues.add(queue);
        return queue;
    }

    private int runsOf(String key) {
        AtomicInteger count = runs.get(key);
        return count == null ? 0 : count.get();
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            assertThat(latch.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)).as("latch reached in time").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The queue turns idle just before the last step's callback: wait for both. */
    private void awaitIdleAfterCallbacks(KeyedWorkQueue<String> queue, int callbacks) {
        await().atMost(BOUND).pollInterval(Duration.ofMillis(5))
                .until(() -> queue.isIdle() && afterEach.size() >= callbacks);
    }

    @Test
    void aKeyEnqueuedManyTimesWhilePendingRunsOnce() {
        CountDownLatch blockerStarted = new CountDownLatch(1);
        CountDownLatch releaseBlocker = new CountDownLatch(1);
        // one worker, busy with another key: "a" stays pending while it is enqueued again and again
        KeyedWorkQueue<String> queue = queue(1, key -> {
            if (key.equals("blocker")) {
                blockerStarted.countDown();
                awaitLatch(releaseBlocker);
            }
            return Result.DONE;
        });
        queue.enqueue("blocker");
        awaitLatch(blockerStarted);
        for (int i = 0; i < 10; i++) {
            queue.enqueue("a");
        }
        assertThat(runsOf("a")).isZero();
        releaseBlocker.countDown();

        awaitIdleAfterCallbacks(queue, 2);
        assertThat(runsOf("a")).isEqualTo(1);
        assertThat(runsOf("blocker")).isEqualTo(1);
        assertThat(afterEach).containsExactly("blocker", "a");
    }

    @Test
    void aKeyEnqueuedWhileRunningRunsExactlyOnceMoreAfterwards() {
        CountDownLatch firstRunStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstRun = new CountDownLatch(1);
        KeyedWorkQueue<String> queue = queue(4, key -> {
            if (runsOf(key) == 1) {
                firstRunStarted.countDown();
                awaitLatch(releaseFirstRun);
            }
            return Result.DONE;
        });
        queue.enqueue("a");
        awaitLatch(firstRunStarted);
        for (int i = 0; i < 10; i++) {
            queue.enqueue("a");
        }
        // three idle workers, and still no second run while the first one is running
        assertThat(runsOf("a")).isEqualTo(1);
        releaseFirstRun.countDown();

        awaitIdleAfterCallbacks(queue, 2);
        assertThat(runsOf("a")).isEqualTo(2);
        assertThat(afterEach).containsExactly("a", "a");
    }

    @Test
    void aKeyNeverRunsOnTwoWorkersAtOnceAndEveryEnqueueIsFollowedByARun() throws InterruptedException {
        List<String> keys = List.of("a", "b", "c");
        AtomicLong clock = new AtomicLong();
        Map<String, AtomicInteger> concurrent = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> mostConcurrent = new ConcurrentHashMap<>();
        Map<String, AtomicLong> lastEnqueued = new ConcurrentHashMap<>();
        Map<String, AtomicLong> lastStarted = new ConcurrentHashMap<>();
        keys.forEach(key -> {
            concurrent.put(key, new AtomicInteger());
            mostConcurrent.put(key, new AtomicInteger());
            lastEnqueued.put(key, new AtomicLong(-1));
            lastStarted.put(key, new AtomicLong(-1));
        });
        KeyedWorkQueue<String> queue = queue(4, key -> {
            lastStarted.get(key).accumulateAndGet(clock.incrementAndGet(), Math::max);
            int now = concurrent.get(key).incrementAndGet();
            mostConcurrent.get(key).accumulateAndGet(now, Math::max);
            for (int spin = 0; spin < 2_000; spin++) {
                Thread.onSpinWait(); // widen the window in which a second run could overlap
            }
            concurrent.get(key).decrementAndGet();
            return Result.DONE;
        });

        int producers = 4;
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(producers);
        for (int p = 0; p < producers; p++) {
            int offset = p;
            Thread producer = new Thread(() -> {
                awaitLatch(start);
                for (int i = 0; i < 3_000; i++) {
                    String key = keys.get((i + offset) % keys.size());
                    // stamped before the enqueue: a run that starts later must see this enqueue's change
                    lastEnqueued.get(key).accumulateAndGet(clock.incrementAndGet(), Math::max);
                    queue.enqueue(key);
                }
                done.countDown();
            });
            producer.setDaemon(true);
            producer.start();
        }
        start.countDown();
        awaitLatch(done);

        await().atMost(BOUND).pollInterval(Duration.ofMillis(5)).until(queue::isIdle);
        for (String key : keys) {
            assertThat(mostConcurrent.get(key).get()).as("most concurrent runs of " + key).isEqualTo(1);
            assertThat(lastStarted.get(key).get()).as("the last run of " + key + " started after its last enqueue")
                    .isGreaterThan(lastEnqueued.get(key).get());
        }
        // coalescing actually happened: far fewer runs than enqueues
        assertThat(runs.values().stream().mapToInt(AtomicInteger::get).sum()).isLessThan(producers * 3_000);
    }

    @Test
    void aRetryResultIsRunAgainUntilDone() {
        CountDownLatch threeRuns = new CountDownLatch(3);
        KeyedWorkQueue<String> queue = queue(2, key -> {
            threeRuns.countDown();
            return runsOf(key) < 3 ? Result.RETRY : Result.DONE;
        });
        queue.enqueue("a");
        awaitLatch(threeRuns);
        awaitIdleAfterCallbacks(queue, 3);
        assertThat(runsOf("a")).isEqualTo(3);
        assertThat(afterEach).containsExactly("a", "a", "a");
    }

    @Test
    void aStepThatThrowsIsRetried() {
        CountDownLatch twoRuns = new CountDownLatch(2);
        KeyedWorkQueue<String> queue = queue(1, key -> {
            twoRuns.countDown();
            if (runsOf(key) == 1) {
                throw new IllegalStateException("injected failure (expected in this test)");
            }
            return Result.DONE;
        });
        queue.enqueue("a");
        awaitLatch(twoRuns);
        await().atMost(BOUND).pollInterval(Duration.ofMillis(5)).until(queue::isIdle);
        assertThat(runsOf("a")).isEqualTo(2);
    }

    @Test
    void aRetryingKeyDoesNotHoldUpOtherKeys() {
        CountDownLatch bDone = new CountDownLatch(1);
        KeyedWorkQueue<String> queue = queue(1, key -> {
            if (key.equals("b")) {
                bDone.countDown();
                return Result.DONE;
            }
            return Result.RETRY;
        });
        queue.enqueue("a");
        queue.enqueue("b");
        awaitLatch(bDone);
        assertThat(runsOf("b")).isEqualTo(1);
    }

    @Test
    void isIdleIsFalseWhileAKeyIsQueuedOrRunning() {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        KeyedWorkQueue<String> queue = queue(1, key -> {
            if (key.equals("running")) {
                started.countDown();
                awaitLatch(release);
            }
            return Result.DONE;
        });
        assertThat(queue.isIdle()).as("a new queue").isTrue();

        queue.enqueue("running");
        assertThat(queue.isIdle()).as("queued").isFalse();
        awaitLatch(started);
        assertThat(queue.isIdle()).as("running").isFalse();
        queue.enqueue("queued");
        assertThat(queue.isIdle()).as("running, and another queued").isFalse();
        release.countDown();

        await().atMost(BOUND).pollInterval(Duration.ofMillis(5)).until(queue::isIdle);
        assertThat(runsOf("running")).isEqualTo(1);
        assertThat(runsOf("queued")).isEqualTo(1);
    }

    @Test
    void afterEachSeesTheQueueBusyWhileARunAgainIsPendingAndIdleAfterTheLastRun() {
        // the node agent relies on this: "idle" in the callback after a step means every key is reconciled
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CountDownLatch releaseSecond = new CountDownLatch(1);
        List<Boolean> idleInAfterEach = new CopyOnWriteArrayList<>();
        AtomicReference<KeyedWorkQueue<String>> queueReference = new AtomicReference<>();
        KeyedWorkQueue<String> queue = new KeyedWorkQueue<>("test", 2, key -> {
            if (runs.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() == 1) {
                firstStarted.countDown();
                awaitLatch(releaseFirst);
            } else {
                awaitLatch(releaseSecond);
            }
            return Result.DONE;
        }, key -> idleInAfterEach.add(queueReference.get().isIdle()));
        queueReference.set(queue);
        queues.add(queue);

        queue.enqueue("a");
        awaitLatch(firstStarted);
        queue.enqueue("a");
        releaseFirst.countDown();
        // the first run's callback comes while the run again is queued or running
        await().atMost(BOUND).pollInterval(Duration.ofMillis(5)).until(() -> idleInAfterEach.size() == 1);
        releaseSecond.countDown();

        await().atMost(BOUND).pollInterval(Duration.ofMillis(5)).until(() -> idleInAfterEach.size() == 2);
        assertThat(idleInAfterEach).containsExactly(false, true);
        assertThat(queue.isIdle()).isTrue();
        assertThat(runsOf("a")).isEqualTo(2);
    }
}
