package io.tandem.satellite.reconcile;

import io.tandem.link.LinkMessage.DesiredState;
import io.tandem.link.LinkMessage.NodeState;
import io.tandem.link.LinkMessage.ObservedState;
import io.tandem.link.LinkMessage.PoolObservation;
import io.tandem.link.LinkMessage.PoolSpec;
import io.tandem.link.LinkMessage.ResourceObservation;
import io.tandem.link.LinkMessage.ResourceSpec;
import io.tandem.link.LinkMessage.VolumeObservation;
import io.tandem.link.LinkMessage.VolumeSpec;
import io.tandem.satellite.storage.PoolInspector;
import io.tandem.satellite.storage.ProviderProbe;
import io.tandem.satellite.storage.VolumeFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the controller's latest desired state for this node and the observed state of each of its
 * objects (pools, resources), and reconciles one toward the other through a keyed work queue.
 * Observers (the controller session) are told the observed state whenever a desired version has
 * been applied completely or an observation changed.
 */
public final class NodeAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);
    /** Capacity changes without any desired-state change; look again this often. */
    private static final long REFRESH_SECONDS = 10;

    /** What the work queue reconciles: a pool or a resource, by name. */
    sealed interface Key permits PoolKey, ResourceKey {
    }

    record PoolKey(String name) implements Key {
    }

    record ResourceKey(String name) implements Key {
    }

    private final ProviderProbe.Providers providers;
    private final Map<String, PoolSpec> desiredPools = new ConcurrentHashMap<>();
    private final Map<String, ResourceSpec> desiredResources = new ConcurrentHashMap<>();
    private final Map<String, PoolObservation> observedPools = new ConcurrentHashMap<>();
    private final Map<String, ResourceObservation> observedResources = new ConcurrentHashMap<>();
    private final List<Consumer<ObservedState>> observers = new CopyOnWriteArrayList<>();
    private final KeyedWorkQueue<Key> queue;
    private final ScheduledExecutorService refresher;
    private volatile long desiredVersion = -1;
    private volatile long appliedVersion = -1;
    private volatile ObservedState lastSent;

    public NodeAgent(ProviderProbe.Providers providers) {
        this.providers = providers;
        this.queue = new KeyedWorkQueue<>("reconcile", 4, this::reconcile, key -> afterStep());
        this.refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "reconcile-refresh");
            thread.setDaemon(true);
            return thread;
        });
        refresher.scheduleWithFixedDelay(this::refresh, REFRESH_SECONDS, REFRESH_SECONDS, TimeUnit.SECONDS);
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

    /** Takes a new desired state; versions older than the one already held are ignored. */
    public synchronized void apply(DesiredState desired) {
        if (desired.version() < desiredVersion) {
            log.info("Ignoring desired state version {}: version {} is newer", desired.version(), desiredVersion);
            return;
        }
        desiredVersion = desired.version();
        NodeState state = desired.state() == null ? new NodeState(null, null, null) : desired.state();
        Map<String, PoolSpec> pools = state.pools().stream()
                .collect(Collectors.toMap(PoolSpec::name, p -> p, (a, b) -> b));
        Map<String, ResourceSpec> resources = state.resources().stream()
                .collect(Collectors.toMap(ResourceSpec::name, r -> r, (a, b) -> b));

        // Objects no longer desired are reconciled too, so that their observation (and files) go
        // away. That includes objects desired until now whose first reconcile is still running and
        // has not put an observation yet. Pools first: resources need their pool's directory.
        Set<Key> keys = new LinkedHashSet<>();
        desiredPools.keySet().forEach(name -> keys.add(new PoolKey(name)));
        observedPools.keySet().forEach(name -> keys.add(new PoolKey(name)));
        pools.keySet().forEach(name -> keys.add(new PoolKey(name)));
        desiredResources.keySet().forEach(name -> keys.add(new ResourceKey(name)));
        observedResources.keySet().forEach(name -> keys.add(new ResourceKey(name)));
        resources.keySet().forEach(name -> keys.add(new ResourceKey(name)));
        // files of resources deleted while this satellite was not looking
        for (PoolSpec pool : pools.values()) {
            Path directory = PoolInspector.directoryOf(pool);
            if (directory != null) {
                VolumeFiles.resourcesIn(directory).forEach(name -> keys.add(new ResourceKey(name)));
            }
        }

        desiredPools.keySet().removeIf(name -> !pools.containsKey(name));
        desiredPools.putAll(pools);
        desiredResources.keySet().removeIf(name -> !resources.containsKey(name));
        desiredResources.putAll(resources);
        keys.forEach(queue::enqueue);
        afterStep();
    }

    /** The observed state as it is now, stamped with the newest completely applied desired version. */
    public ObservedState observed() {
        List<PoolObservation> pools = new ArrayList<>(observedPools.values());
        pools.sort(Comparator.comparing(PoolObservation::name));
        List<ResourceObservation> resources = new ArrayList<>(observedResources.values());
        resources.sort(Comparator.comparing(ResourceObservation::name));
        return new ObservedState(appliedVersion, pools, resources);
    }

    private KeyedWorkQueue.Result reconcile(Key key) {
        if (key instanceof PoolKey pool) {
            return reconcilePool(pool.name());
        }
        return reconcileResource(((ResourceKey) key).name());
    }

    private KeyedWorkQueue.Result reconcilePool(String name) {
        PoolSpec spec = desiredPools.get(name);
        if (spec == null) {
            observedPools.remove(name);
        } else {
            observedPools.put(name, PoolInspector.inspect(spec, providers));
        }
        return KeyedWorkQueue.Result.DONE;
    }

    /**
     * Makes a resource's backing files match its spec: each diskful volume's file exists with its
     * size; files of volumes (or whole resources) no longer desired are deleted. A step that could
     * not finish (a pool not usable yet, a disk error) is retried.
     */
    private KeyedWorkQueue.Result reconcileResource(String name) {
        ResourceSpec spec = desiredResources.get(name);
        boolean complete = true;
        List<VolumeObservation> volumes = new ArrayList<>();
        Map<String, Set<Integer>> keepByPool = new ConcurrentHashMap<>();
        if (spec != null) {
            for (VolumeSpec volume : spec.volumes() == null ? List.<VolumeSpec>of() : spec.volumes()) {
                if (volume.poolName() == null) {
                    volumes.add(new VolumeObservation(volume.number(), null, null, volume.sizeKib(), 0L, List.of()));
                    continue;
                }
                keepByPool.computeIfAbsent(volume.poolName(), p -> new java.util.HashSet<>()).add(volume.number());
                PoolSpec pool = desiredPools.get(volume.poolName());
                Path directory = pool == null ? null : PoolInspector.directoryOf(pool);
                if (directory == null) {
                    volumes.add(new VolumeObservation(volume.number(), volume.poolName(), null, null, null,
                            List.of("storage pool '%s' is not usable on this node; see the pool's report"
                                    .formatted(volume.poolName()))));
                    complete = false;
                    continue;
                }
                VolumeObservation observed = VolumeFiles.ensure(directory, "FILE".equals(pool.providerKind()),
                        pool.name(), name, volume.number(), volume.sizeKib());
                complete &= observed.problems().isEmpty();
                volumes.add(observed);
            }
        }
        List<String> removalProblems = new ArrayList<>();
        for (PoolSpec pool : desiredPools.values()) {
            Path directory = PoolInspector.directoryOf(pool);
            if (directory != null) {
                removalProblems.addAll(VolumeFiles.remove(directory, name,
                        keepByPool.getOrDefault(pool.name(), Set.of())));
            }
        }
        if (!removalProblems.isEmpty()) {
            log.warn("Resource {}: {}", name, removalProblems);
            complete = false;
        }
        if (spec == null) {
            if (removalProblems.isEmpty()) {
                observedResources.remove(name);
            }
        } else {
            volumes.sort(Comparator.comparingInt(VolumeObservation::number));
            observedResources.put(name, new ResourceObservation(name, volumes));
        }
        return complete ? KeyedWorkQueue.Result.DONE : KeyedWorkQueue.Result.RETRY;
    }

    private void refresh() {
        desiredPools.keySet().forEach(name -> queue.enqueue(new PoolKey(name)));
    }

    /**
     * Tells the observers the observed state if it changed. Delivery happens under the lock, so
     * two workers finishing at once cannot deliver an older state after a newer one.
     */
    private synchronized void afterStep() {
        if (queue.isIdle()) {
            appliedVersion = desiredVersion;
        }
        ObservedState now = observed();
        if (Objects.equals(now, lastSent)) {
            return;
        }
        lastSent = now;
        observers.forEach(observer -> observer.accept(now));
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
}
