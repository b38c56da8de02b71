package io.tandem.controller.satellite;

import io.tandem.controller.cluster.ControllerIdentity;
import io.tandem.controller.node.NodeDesiredStateChanged;
import io.tandem.controller.node.NodeEvent;
import io.tandem.controller.node.SatelliteSync;
import io.tandem.controller.resource.ResourceService;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Keeps one {@link SatelliteConnection} per satellite node, in step with the database: a node
 * created or re-addressed is (re)connected, a deleted one disconnected, and after every committed
 * change to a node or its pools the node's desired state is pushed again.
 */
@Component
class SatelliteLinks implements SmartLifecycle, SatelliteSync {
    private static final Logger log = LoggerFactory.getLogger(SatelliteLinks.class);

    private final DesiredStates desiredStates;
    private final ResourceService resources;
    private final SatelliteObservations observations;
    private final ClusterSecretService clusterSecret;
    private final String controllerId;
    private final boolean enabled;
    private final Map<UUID, SatelliteConnection> connections = new ConcurrentHashMap<>();
    /** Versions only grow, also across controller restarts: they start from the clock. */
    private final AtomicLong versions = new AtomicLong(System.currentTimeMillis() * 1000);
    /** Changes are applied off the request thread, one at a time, in commit order. */
    private final ExecutorService changes = Executors.newSingleThreadExecutor(daemon("satellite-links"));
    private final ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor(daemon("satellite-ping"));
    private volatile String secret;
    private volatile boolean running;

    SatelliteLinks(DesiredStates desiredStates, ResourceService resources, SatelliteObservations observations,
                   ClusterSecretService clusterSecret, ControllerIdentity identity,
                   @Value("${tandem.satellite-link.enabled:true}") boolean enabled) {
        this.desiredStates = desiredStates;
        this.resources = resources;
        this.observations = observations;
        this.clusterSecret = clusterSecret;
        this.controllerId = identity.nodeName() + "@" + identity.startedAt().toEpochMilli();
        this.enabled = enabled;
    }

    @EventListener
    void connectAll(ApplicationReadyEvent ready) {
        if (!enabled) {
            log.info("The satellite link is disabled (tandem.satellite-link.enabled=false)");
            return;
        }
        secret = clusterSecret.secret();
        changes.execute(() -> desiredStates.targets().keySet().forEach(this::reconcile));
        long interval = io.tandem.link.LinkProtocol.PING_INTERVAL.toMillis();
        pinger.scheduleAtFixedRate(() -> connections.values().forEach(SatelliteConnection::ping), interval, interval,
                TimeUnit.MILLISECONDS);
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
    void nodeChanged(NodeEvent event) {
        changed(event.node().id());
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
    void desiredStateChanged(NodeDesiredStateChanged event) {
        changed(event.nodeId());
    }

    private void changed(UUID nodeId) {
        if (secret != null && running) {
            changes.execute(() -> reconcile(nodeId));
        }
    }

    /** Brings the node's connection in line with the database, then pushes its desired state. */
    private void reconcile(UUID nodeId) {
        try {
            Optional<LinkTarget> target = desiredStates.target(nodeId);
            SatelliteConnection connection = connections.get(nodeId);
            if (target.isEmpty()) {
                if (connection != null) {
                    connections.remove(nodeId);
                    connection.close();
                }
                observations.forget(nodeId);
                return;
            }
            if (connection == null) {
                connection = new SatelliteConnection(nodeId, target.get(), secret, controllerId, observations,
                        () -> desiredStates.desired(nodeId), versions::incrementAndGet, this::removalConfirmed);
                connections.put(nodeId, connection);
                Thread thread = new Thread(connection, "satellite-" + target.get().nodeName());
                thread.setDaemon(true);
                thread.start();
            } else if (!connection.target().equals(target.get())) {
                connection.retarget(target.get());
            } else {
                connection.pushDesiredState();
            }
        } catch (RuntimeException e) {
            log.error("Could not bring the link of node {} up to date", nodeId, e);
        }
    }

    @Override
    public boolean awaitApplied(UUID nodeId, java.time.Duration timeout) {
        SatelliteConnection connection = connections.get(nodeId);
        if (connection == null || secret == null) {
            return false;
        }
        long version = connection.pushDesiredState();
        if (version < 0) {
            return false;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (observations.appliedVersion(nodeId).orElse(-1L) >= version) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** The satellite of {@code node} no longer has {@code resource}: its rows can go. */
    private void removalConfirmed(String node, String resource) {
        changes.execute(() -> {
            try {
                if (resources.confirmRemoved(node, resource)) {
                    log.info("Resource '{}' removed from node '{}'", resource, node);
                }
            } catch (RuntimeException e) {
                log.error("Could not record that resource '{}' is gone from node '{}'", resource, node, e);
            }
        });
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        pinger.shutdownNow();
        changes.shutdownNow();
        connections.values().forEach(SatelliteConnection::close);
        connections.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
