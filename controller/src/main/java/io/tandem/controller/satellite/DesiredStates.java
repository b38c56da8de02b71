package io.tandem.controller.satellite;

import io.tandem.controller.node.NetInterface;
import io.tandem.controller.node.Node;
import io.tandem.controller.node.NodeService;
import io.tandem.controller.pool.StoragePool;
import io.tandem.controller.pool.StoragePoolService;
import io.tandem.controller.resource.ResourceService;
import io.tandem.link.LinkMessage.ResourceSpec;
import io.tandem.link.LinkMessage.VolumeSpec;
import io.tandem.link.LinkMessage.NodeState;
import io.tandem.link.LinkMessage.PoolSpec;
import java.net.InetSocketAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Reads a node's desired state and link target from the database (committed data only). */
@Service
class DesiredStates {
    private final NodeService nodes;
    private final StoragePoolService pools;
    private final ResourceService resources;

    DesiredStates(NodeService nodes, StoragePoolService pools, ResourceService resources) {
        this.nodes = nodes;
        this.pools = pools;
        this.resources = resources;
    }

    /**
     * A node's desired state, and the resources that are no longer in it because they are marked
     * for deletion: once the satellite confirms a state without them, their rows can go.
     */
    record Desire(NodeState state, List<String> deleting) {
    }

    /** Every node that runs a satellite, with where to reach it. */
    @Transactional(readOnly = true)
    public Map<UUID, LinkTarget> targets() {
        Map<UUID, LinkTarget> targets = new TreeMap<>();
        for (Node node : nodes.all()) {
            target(node).ifPresent(target -> targets.put(node.id(), target));
        }
        return targets;
    }

    /** Where to reach the node's satellite; empty if the node is gone or runs no satellite. */
    @Transactional(readOnly = true)
    public Optional<LinkTarget> target(UUID nodeId) {
        return nodes.find(nodeId).flatMap(DesiredStates::target);
    }

    /** The complete desired state of the node; empty if the node is gone. */
    @Transactional(readOnly = true)
    public Optional<Desire> desired(UUID nodeId) {
        return nodes.find(nodeId).map(node -> new Desire(new NodeState(node.name(),
                pools.poolsOn(node).stream()
                        .sorted(Comparator.comparing(StoragePool::name))
                        .map(pool -> new PoolSpec(pool.name(), pool.providerKind().name(), new TreeMap<>(pool.props())))
                        .toList(),
                resources.placedOn(node).stream()
                        .map(placed -> new ResourceSpec(placed.name(), placed.volumes().stream()
                                .map(volume -> new VolumeSpec(volume.number(), volume.sizeKib(), volume.poolName()))
                                .toList()))
                        .toList()),
                resources.deletingOn(node)));
    }

    private static Optional<LinkTarget> target(Node node) {
        if (!node.type().runsSatellite()) {
            return Optional.empty();
        }
        return node.activeNetInterface().map(netIf -> new LinkTarget(node.name(), address(netIf)));
    }

    private static InetSocketAddress address(NetInterface netInterface) {
        // an IP literal (validated on input): no name lookup happens here
        return new InetSocketAddress(netInterface.address(), netInterface.satellitePort());
    }

}
