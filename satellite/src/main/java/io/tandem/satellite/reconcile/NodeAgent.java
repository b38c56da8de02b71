package io.tandem.satellite.reconcile;

import io.tandem.link.LinkMessage;
import io.tandem.link.LinkMessage.DesiredState;
import io.tandem.link.LinkMessage.ObservedState;
import io.tandem.link.LinkMessage.PoolObservation;
import io.tandem.link.LinkMessage.PoolSpec;
import io.tandem.satellite.storage.PoolInspector;
import io.tandem.satellite.storage.ProviderProbe;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the controller's latest desired state for this node and the observed state of each of its
 * objects, and reconciles one toward the other. Observers (the controller session) are told the
 * observed state whenever a desired version is fully applied or an observation changes.
 */
public final class NodeAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);
    /** Capacity changes without any desired-state change; look again this often. */
    private static final long REFRESH_SECONDS = 10;

    private final ProviderProbe.Providers providers;
    private final Map<String, PoolSpec> desiredPools = new ConcurrentHashMap<>();
    private final Map<String, PoolObservation> observedPools = new ConcurrentHashMap<>();
    private final List<Consumer<ObservedState>> observers = new CopyOnWriteArrayList<>();
    private final KeyedWorkQueue<String> queue;
    private final ScheduledExecutorService refresher;
    private volatile long desiredVersion = -1;
    private volatile long appliedVersion = -1;
    private volatile ObservedState lastSent;

    public NodeAgent(ProviderProbe.Providers providers) {
        this.providers = providers;
        this.queue = new KeyedWorkQueue<>("reconcile", 4, this::reconcilePool, key -> afterStep());
        this.refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "reconcile-refresh");
            thread.setDaemon(true);
            return thread;
        });
        refresher.scheduleWithFixedDelay(() -> desiredPools.keySet().forEach(queue::enqueue), REFRESH_SECONDS,
                REFRESH_SECONDS, TimeUnit.SECONDS);
    }

    public ProviderProbe.Providers providers() {
        return providers;
    }

    public void addObserver(Consumer<ObservedState> observer) {
        observers.add(observer);
    }

    public void removeObserver(Consumer<ObservedState> observer) {
        observers.remove(observer);
    }

    /** Takes a new desired state; older versions than the one already held are ignored. */
    public synchronized void apply(DesiredState desired) {
        if (desired.version() < desiredVersion) {
            log.info("Ignoring desired state version {}: version {} is newer", desired.version(), desiredVersion);
            return;
        }
        desiredVersion = desired.version();
        List<PoolSpec> pools = desired.state() == null || desired.state().pools() == null ? List.of()
                : desired.state().pools();
        Map<String, PoolSpec> wanted = new ConcurrentHashMap<>();
        pools.forEach(pool -> wanted.put(pool.name(), pool));
        // keys no longer desired are reconciled too: their observation goes away. That includes keys
        // desired until now whose first reconcile is still running and has not put an observation yet.
        List<String> keys = new ArrayList<>(desiredPools.keySet());
        keys.addAll(observedPools.keySet());
        keys.addAll(wanted.keySet());
        desiredPools.keySet().removeIf(name -> !wanted.containsKey(name));
        desiredPools.putAll(wanted);
        keys.stream().distinct().forEach(queue::enqueue);
        afterStep();
    }

    /** The observed state as it is now, stamped with the newest fully applied desired version. */
    public ObservedState observed() {
        List<PoolObservation> pools = new ArrayList<>(observedPools.values());
        pools.sort(Comparator.comparing(PoolObservation::name));
        return new ObservedState(appliedVersion, pools);
    }

    private KeyedWorkQueue.Result reconcilePool(String name) {
        PoolSpec spec = desiredPools.get(name);
        if (spec == null) {
            observedPools.remove(name);
            return KeyedWorkQueue.Result.DONE;
        }
        PoolObservation observation = PoolInspector.inspect(spec, providers);
        observedPools.put(name, observation);
        return KeyedWorkQueue.Result.DONE;
    }

    private void afterStep() {
        ObservedState toSend;
        synchronized (this) {
            if (queue.isIdle()) {
                appliedVersion = desiredVersion;
            }
            ObservedState now = observed();
            if (Objects.equals(now, lastSent)) {
                return;
            }
            lastSent = now;
            toSend = now;
        }
        observers.forEach(observer -> observer.accept(toSend));
    }

    /** Forces the next observation to be sent even if unchanged (a new controller connected). */
    public synchronized void resend() {
        lastSent = null;
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        queue.close();
    }

    /** For tests and diagnostics. */
    public LinkMessage.ObservedState snapshot() {
        return observed();
    }
}
