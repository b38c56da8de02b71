package io.tandem.controller.satellite;

import io.tandem.controller.node.ConnectionStatus;
import io.tandem.controller.node.NodeObservation;
import io.tandem.controller.node.NodeObservations;
import io.tandem.controller.pool.PoolObservation;
import io.tandem.controller.pool.PoolObservations;
import io.tandem.controller.resource.VolumeObservation;
import io.tandem.controller.resource.VolumeObservations;
import io.tandem.link.LinkMessage.LoginReport;
import io.tandem.link.LinkMessage.ObservedState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * The controller's in-memory picture of what each satellite reported. REST views read it without
 * ever waiting for a satellite; the link writes it.
 */
@Component
class SatelliteObservations implements NodeObservations, PoolObservations, VolumeObservations {
    /** One node's picture; replaced as a whole, never mutated. */
    record Picture(ConnectionStatus status, LoginReport login, ObservedState observed) {
    }

    private final Map<UUID, Picture> pictures = new ConcurrentHashMap<>();

    @Override
    public NodeObservation of(UUID nodeId) {
        Picture picture = pictures.get(nodeId);
        if (picture == null) {
            return NodeObservation.OFFLINE;
        }
        LoginReport login = picture.status() == ConnectionStatus.ONLINE ? picture.login() : null;
        return new NodeObservation(picture.status(), login == null ? null : login.hostname(),
                login == null ? null : login.providers(), login == null ? null : login.unsupportedProviders());
    }

    @Override
    public Optional<PoolObservation> of(UUID nodeId, String poolName) {
        Picture picture = pictures.get(nodeId);
        if (picture == null || picture.status() != ConnectionStatus.ONLINE || picture.observed() == null) {
            return Optional.empty();
        }
        return picture.observed().pools().stream()
                .filter(pool -> pool.name().equalsIgnoreCase(poolName))
                .findFirst()
                .map(pool -> new PoolObservation(pool.freeKib(), pool.totalKib(),
                        pool.problems() == null ? List.of() : pool.problems()));
    }

    @Override
    public Optional<VolumeObservation> of(UUID nodeId, String resourceName, int volumeNumber) {
        Picture picture = pictures.get(nodeId);
        if (picture == null || picture.status() != ConnectionStatus.ONLINE || picture.observed() == null) {
            return Optional.empty();
        }
        return picture.observed().resources().stream()
                .filter(resource -> resource.name().equalsIgnoreCase(resourceName))
                .flatMap(resource -> resource.volumes() == null ? java.util.stream.Stream.empty()
                        : resource.volumes().stream())
                .filter(volume -> volume.number() == volumeNumber)
                .findFirst()
                .map(volume -> new VolumeObservation(volume.path(), volume.usableKib(), volume.allocatedKib(),
                        volume.problems() == null ? List.of() : volume.problems()));
    }

    /** The version of the desired state the node's satellite last confirmed having applied. */
    Optional<Long> appliedVersion(UUID nodeId) {
        Picture picture = pictures.get(nodeId);
        return picture == null || picture.observed() == null ? Optional.empty()
                : Optional.of(picture.observed().appliedVersion());
    }

    void online(UUID nodeId, LoginReport login) {
        pictures.put(nodeId, new Picture(ConnectionStatus.ONLINE, login, null));
    }

    void observed(UUID nodeId, ObservedState observed) {
        pictures.computeIfPresent(nodeId, (id, picture) -> new Picture(picture.status(), picture.login(), observed));
    }

    /** The link is down (or refused): everything the satellite reported is dropped. */
    void down(UUID nodeId, ConnectionStatus status) {
        pictures.put(nodeId, new Picture(status, null, null));
    }

    void forget(UUID nodeId) {
        pictures.remove(nodeId);
    }

    Map<UUID, ConnectionStatus> statuses() {
        return pictures.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().status()));
    }
}
