package io.tandem.controller.resource;

import io.tandem.controller.node.Node;
import io.tandem.controller.node.NodeDesiredStateChanged;
import io.tandem.controller.node.NodeEvent;
import io.tandem.controller.node.NodeService;
import io.tandem.controller.pool.ProviderKind;
import io.tandem.controller.pool.StoragePool;
import io.tandem.controller.pool.StoragePoolService;
import io.tandem.controller.rest.ApiCallRc;
import io.tandem.controller.rest.ApiException;
import io.tandem.controller.rest.EnumInput;
import io.tandem.controller.rest.NameFilter;
import io.tandem.controller.rest.Page;
import io.tandem.controller.rest.PropsFilter;
import io.tandem.controller.rest.PropsModify;
import io.tandem.controller.rest.RetCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Resources and their volumes: placing a resource definition on nodes, the cluster-wide view,
 * and deletion in LINSTOR's two steps (mark, then remove once the satellite confirms). Each
 * public method is one transaction.
 */
@Service
public class ResourceService {
    /** The resource (or volume definition, definition, group, node) property naming the pool to use. */
    static final String PROP_STOR_POOL_NAME = "StorPoolName";

    private static final long RSC = RetCode.MASK_RSC;
    private static final long VLM = RetCode.MASK_VLM;

    private final ResourceRepository resources;
    private final ResourceDefinitionRepository definitions;
    private final NodeService nodes;
    private final StoragePoolService pools;
    private final ApplicationEventPublisher events;
    private final VolumeObservations observations;

    ResourceService(ResourceRepository resources, ResourceDefinitionRepository definitions, NodeService nodes,
                    StoragePoolService pools, ApplicationEventPublisher events, VolumeObservations observations) {
        this.resources = resources;
        this.definitions = definitions;
        this.nodes = nodes;
        this.pools = pools;
        this.events = events;
        this.observations = observations;
    }

    // ---- what the satellites are told ----------------------------------------------------------

    /** A resource as a node's satellite should have it: its volumes, each in a pool or diskless. */
    public record Placed(String name, List<PlacedVolume> volumes) {
    }

    /** A volume to back: size, and the pool of its backing file ({@code null} when diskless). */
    public record PlacedVolume(int number, long sizeKib, String poolName) {
    }

    /** The resources that should exist on {@code node}, without those marked for deletion. */
    @Transactional(readOnly = true)
    public List<Placed> placedOn(Node node) {
        return resources.findAllOn(node).stream()
                .filter(resource -> !resource.is(ResourceFlag.DELETE))
                .sorted(java.util.Comparator.comparing(r -> r.resourceDefinition().name()))
                .map(resource -> new Placed(resource.resourceDefinition().name(), resource.volumes().stream()
                        .filter(volume -> (volume.flags() & VolumeFlag.DELETE.bits()) == 0)
                        .sorted(java.util.Comparator.comparingInt(Volume::volumeNumber))
                        .map(volume -> new PlacedVolume(volume.volumeNumber(), volume.volumeDefinition().sizeKib(),
                                resource.isDiskless() || volume.storagePool() == null ? null
                                        : volume.storagePool().name()))
                        .toList()))
                .toList();
    }

    /** The resources on {@code node} marked for deletion, waiting for its satellite to confirm. */
    @Transactional(readOnly = true)
    public List<String> deletingOn(Node node) {
        return resources.findAllOn(node).stream()
                .filter(resource -> resource.is(ResourceFlag.DELETE))
                .map(resource -> resource.resourceDefinition().name())
                .sorted()
                .toList();
    }

    /** Every node holding a resource of {@code definition} has a new desired state. */
    void desiredStateChanged(ResourceDefinition definition) {
        resources.findAllOf(definition).forEach(resource -> desiredStateChanged(resource.node()));
    }

    private void desiredStateChanged(Node node) {
        events.publishEvent(new NodeDesiredStateChanged(node.id()));
    }

    // ---- reading -------------------------------------------------------------------------------

    @Transactional(readOnly = true)
    public List<ResourceDto> list(String definitionName, Page page) {
        ResourceDefinition definition = definitions.require(definitionName);
        return page.apply(resources.findAllOf(definition).stream().map(ResourceService::toDto).toList());
    }

    @Transactional(readOnly = true)
    public ResourceDto get(String definitionName, String nodeName) {
        return toDto(require(definitions.require(definitionName), nodeName));
    }

    /**
     * {@code GET /v1/view/resources}: every resource with its volumes. With a storage pool filter
     * only the volumes in those pools are shown, and resources without such volumes are left out.
     */
    @Transactional(readOnly = true)
    public List<ResourceDto> view(List<String> nodeNames, List<String> resourceNames, List<String> storagePools,
                                  List<String> props, Page page) {
        NameFilter nodeFilter = NameFilter.of(nodeNames);
        NameFilter resourceFilter = NameFilter.of(resourceNames);
        NameFilter poolFilter = NameFilter.of(storagePools);
        PropsFilter propsFilter = new PropsFilter(props);
        List<ResourceDto> matching = new ArrayList<>();
        for (Resource resource : resources.findAllOrdered()) {
            if (!nodeFilter.matches(resource.node().name())
                    || !resourceFilter.matches(resource.resourceDefinition().name())
                    || !propsFilter.matches(resource.props())) {
                continue;
            }
            List<Volume> volumes = resource.volumes().stream()
                    .filter(v -> poolFilter.matches(v.storagePool().name())).toList();
            if (!poolFilter.keys().isEmpty() && volumes.isEmpty()) {
                continue;
            }
            matching.add(withVolumes(toDto(resource), volumes));
        }
        return page.apply(matching);
    }

    @Transactional(readOnly = true)
    public List<VolumeDto> volumes(String definitionName, String nodeName, Page page) {
        Resource resource = require(definitions.require(definitionName), nodeName);
        return page.apply(resource.volumes().stream().map(this::toDto).toList());
    }

    @Transactional(readOnly = true)
    public VolumeDto volume(String definitionName, String nodeName, int volumeNumber) {
        Resource resource = require(definitions.require(definitionName), nodeName);
        return toDto(requireVolume(resource, volumeNumber));
    }

    // ---- creating ------------------------------------------------------------------------------

    /**
     * {@code POST …/resources}: places the definition on every node named in the list, all or
     * nothing (one bad entry rolls the whole request back).
     */
    @Transactional
    public List<ApiCallRc> create(String definitionName, List<ResourceCreateDto> requests) {
        ResourceDefinition definition = definitions.require(definitionName);
        Map<String, String> refs = Map.of("RscDfn", definition.name());
        if (requests == null || requests.isEmpty()) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_NODE_NAME, "No resource to create.",
                    "The body is an empty list.",
                    "Send a list with one entry per node, e.g. [{\"resource\": {\"node_name\": \"alpha\"}}].", refs);
        }
        List<ApiCallRc> answer = new ArrayList<>();
        for (ResourceCreateDto request : requests) {
            ResourceDto given = request == null ? null : request.resource();
            String nodeName = given == null ? null : given.nodeName();
            if (nodeName == null || nodeName.isBlank()) {
                throw ApiException.invalid(RetCode.FAIL_INVLD_NODE_NAME, "A resource without a node.",
                        "Every entry of the list names its node in resource.node_name.",
                        "Send [{\"resource\": {\"node_name\": \"alpha\"}}, ...].", refs);
            }
            answer.addAll(place(definition, nodes.require(nodeName), request));
        }
        return answer;
    }

    /** {@code POST …/resources/{node}}: places the definition on one node. */
    @Transactional
    public List<ApiCallRc> createOnNode(String definitionName, String nodeName, ResourceCreateDto request) {
        ResourceDefinition definition = definitions.require(definitionName);
        Node node = nodes.require(nodeName);
        ResourceDto given = request == null ? null : request.resource();
        if (given != null && given.nodeName() != null && !given.nodeName().equalsIgnoreCase(node.name())) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_NODE_NAME,
                    "The body names node '%s', the path node '%s'.".formatted(given.nodeName(), node.name()),
                    "A resource created at …/resources/{node} is placed on the node of the path.",
                    "Leave resource.node_name out, or make it match the path.",
                    Map.of("RscDfn", definition.name(), "Node", node.name()));
        }
        return place(definition, node, request == null
                ? new ResourceCreateDto(null, null, null, null, null, null, null, null) : request);
    }

    private List<ApiCallRc> place(ResourceDefinition definition, Node node, ResourceCreateDto request) {
        Map<String, String> refs = Map.of("RscDfn", definition.name(), "Node", node.name());
        ResourceDto given = request.resource();
        if (given != null && given.name() != null && !given.name().equalsIgnoreCase(definition.name())) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_RSC_NAME,
                    "The body names resource '%s', the path '%s'.".formatted(given.name(), definition.name()),
                    "A resource is created for the resource definition of the path.",
                    "Leave resource.name out, or make it match the path.", refs);
        }
        Map<String, String> props = given == null || given.props() == null ? Map.of() : given.props();
        new PropsModify(props, null, null).validate(refs);
        LayerType.checkStack(request.layerList(), refs);
        boolean diskless = wantsDiskless(given, refs) || Boolean.TRUE.equals(request.drbdClient());
        ResourceDefinitionService.refuseIfDeleting(definition, "a resource");
        if (!node.type().runsSatellite()) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_NODE_TYPE,
                    "Node '%s' cannot hold resources.".formatted(node.name()),
                    "It is a %s node; only SATELLITE and COMBINED nodes run a satellite.".formatted(node.type()),
                    "Place the resource on a satellite node, or change the node's type (PUT /v1/nodes/%s with node_type)."
                            .formatted(node.name()), refs);
        }
        Optional<Resource> existing = resources.findOne(definition, node.name().toUpperCase(Locale.ROOT));
        if (existing.isPresent()) {
            boolean deleting = existing.get().is(ResourceFlag.DELETE);
            throw ApiException.conflict(RetCode.FAIL_EXISTS_RSC,
                    "Resource '%s' already exists on node '%s'%s.".formatted(definition.name(), node.name(),
                            deleting ? " and is being deleted" : ""),
                    "A resource definition has at most one resource per node.",
                    deleting ? "Wait until the satellite on '%s' confirms the deletion, or declare the node lost."
                            .formatted(node.name()) : "Place the resource on another node.", refs);
        }
        long replicas = resources.countByResourceDefinition(definition);
        if (replicas + 1 > definition.peerSlots() + 1L) {
            throw ApiException.conflict(RetCode.FAIL_INSUFFICIENT_PEER_SLOTS,
                    "Resource '%s' cannot get another replica.".formatted(definition.name()),
                    "It has %d replicas and %d peer slots, so at most %d replicas.".formatted(replicas,
                            definition.peerSlots(), definition.peerSlots() + 1),
                    "Raise drbd_peer_slots of the resource definition (PUT /v1/resource-definitions/%s) first."
                            .formatted(definition.name()), refs);
        }
        int replicaNodeId = replicaNodeId(definition, request.drbdNodeId(), refs);
        int tcpPort = tcpPort(node, request, refs);
        long flags = diskless ? ResourceFlag.DRBD_DISKLESS.bits() : 0;
        Resource resource = new Resource(definition, node, replicaNodeId, tcpPort, flags, props);
        List<StoragePool> nodePools = pools.poolsOn(node);
        for (VolumeDefinition volumeDefinition : definition.volumeDefinitions()) {
            resource.addVolume(new Volume(resource, volumeDefinition, choosePool(resource, volumeDefinition, nodePools)));
        }
        resources.save(resource);
        desiredStateChanged(node);

        String placement = resource.volumes().stream()
                .map(v -> "volume %d in storage pool '%s'".formatted(v.volumeNumber(), v.storagePool().name()))
                .collect(Collectors.joining(", "));
        List<ApiCallRc> answer = new ArrayList<>();
        answer.add(ApiCallRc.success(RetCode.MASK_CRT | RSC | RetCode.CREATED,
                "New %sresource '%s' on node '%s' registered.".formatted(diskless ? "diskless " : "",
                        definition.name(), node.name()),
                "Replica node id %d, TCP port %d%s. Resource '%s' on node '%s' UUID is: %s".formatted(replicaNodeId,
                        tcpPort, placement.isEmpty() ? "" : ", " + placement, definition.name(), node.name(),
                        resource.id()), refs));
        answer.addAll(notConnected(node, "The resource is set up on the node when its satellite connects.", refs));
        return answer;
    }

    private static boolean wantsDiskless(ResourceDto given, Map<String, String> refs) {
        boolean diskless = false;
        for (String raw : given == null || given.flags() == null ? List.<String>of() : given.flags()) {
            ResourceFlag flag = EnumInput.parse(ResourceFlag.class, raw, "resource flag",
                    RetCode.API_CALL_PARSE_ERROR, refs);
            if (flag != ResourceFlag.DISKLESS && flag != ResourceFlag.DRBD_DISKLESS) {
                throw ApiException.invalid(RetCode.API_CALL_PARSE_ERROR,
                        "Flag %s cannot be requested for a new resource.".formatted(flag),
                        "A new resource is diskful, or diskless with DRBD_DISKLESS (or DISKLESS).",
                        "Send no flags, or [\"DRBD_DISKLESS\"] for a diskless replica.", refs);
            }
            diskless = true;
        }
        return diskless;
    }

    /** A replica node id, unique within the resource definition: the one asked for, or the lowest free one. */
    private int replicaNodeId(ResourceDefinition definition, Integer requested, Map<String, String> refs) {
        Set<Integer> used = resources.findReplicaNodeIds(definition);
        if (requested != null) {
            if (requested < 0 || requested > Resource.MAX_REPLICA_NODE_ID) {
                throw ApiException.invalid(RetCode.FAIL_INVLD_NODE_ID, "Invalid drbd_node_id %d.".formatted(requested),
                        "Replica node ids are 0 to %d.".formatted(Resource.MAX_REPLICA_NODE_ID),
                        "Send a node id from 0 to %d, or leave drbd_node_id out.".formatted(
                                Resource.MAX_REPLICA_NODE_ID), refs);
            }
            if (used.contains(requested)) {
                throw ApiException.conflict(RetCode.FAIL_INVLD_NODE_ID,
                        "Replica node id %d is taken in resource '%s'.".formatted(requested, definition.name()),
                        "Each replica of a resource has its own node id; taken are %s.".formatted(sorted(used)),
                        "Send a free node id, or leave drbd_node_id out.", refs);
            }
            return requested;
        }
        return FreeNumbers.lowest(0, Resource.MAX_REPLICA_NODE_ID, used).orElseThrow(() -> ApiException.conflict(
                RetCode.FAIL_POOL_EXHAUSTED_NODE_ID, "Resource '%s' has no free replica node id.".formatted(
                        definition.name()),
                "All node ids from 0 to %d are taken.".formatted(Resource.MAX_REPLICA_NODE_ID),
                "Delete a replica first.", refs));
    }

    /** A TCP port, unique on the node: the one asked for, or the lowest free one from 7000 to 7999. */
    private int tcpPort(Node node, ResourceCreateDto request, Map<String, String> refs) {
        Set<Integer> used = resources.findTcpPorts(node);
        List<Integer> requested = request.drbdTcpPorts() == null ? List.of() : request.drbdTcpPorts();
        if (requested.size() > 1 || (request.drbdTcpPortCount() != null && request.drbdTcpPortCount() > 1)) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_TCP_PORT, "More than one TCP port asked for.",
                    "A replica listens on one TCP port for all its peers.",
                    "Send at most one port in drbd_tcp_ports.", refs);
        }
        if (!requested.isEmpty()) {
            Integer port = requested.get(0);
            if (port == null || port < 1 || port > 65535) {
                throw ApiException.invalid(RetCode.FAIL_INVLD_TCP_PORT, "Invalid TCP port %s.".formatted(port),
                        "A TCP port is between 1 and 65535.",
                        "Send a port from %d to %d, or leave drbd_tcp_ports out.".formatted(Resource.FIRST_TCP_PORT,
                                Resource.LAST_TCP_PORT), refs);
            }
            if (used.contains(port)) {
                throw ApiException.conflict(RetCode.FAIL_INVLD_TCP_PORT,
                        "TCP port %d is taken on node '%s'.".formatted(port, node.name()),
                        "Each resource on a node listens on its own port.",
                        "Send a free port, or leave drbd_tcp_ports out.", refs);
            }
            return port;
        }
        return FreeNumbers.lowest(Resource.FIRST_TCP_PORT, Resource.LAST_TCP_PORT, used).orElseThrow(() ->
                ApiException.conflict(RetCode.FAIL_POOL_EXHAUSTED_TCP_PORT,
                        "Node '%s' has no free TCP port.".formatted(node.name()),
                        "All ports from %d to %d are taken by its resources.".formatted(Resource.FIRST_TCP_PORT,
                                Resource.LAST_TCP_PORT),
                        "Delete resources on the node, or place the resource on another node.", refs));
    }

    /** Adds the volume of a new volume definition to an existing resource. */
    void addVolume(Resource resource, VolumeDefinition volumeDefinition) {
        resource.addVolume(new Volume(resource, volumeDefinition,
                choosePool(resource, volumeDefinition, pools.poolsOn(resource.node()))));
        desiredStateChanged(resource.node());
    }

    /**
     * The pool a volume is carved from. A diskless replica uses the pool its resource names in
     * {@value #PROP_STOR_POOL_NAME}, else the node's diskless pool. A diskful one uses the pool
     * named by {@value #PROP_STOR_POOL_NAME} on the resource, the volume definition, the resource
     * definition, its group or the node (the first that sets it, LINSTOR's order), else the node's
     * only pool with storage.
     */
    private static StoragePool choosePool(Resource resource, VolumeDefinition volumeDefinition,
                                          List<StoragePool> nodePools) {
        Node node = resource.node();
        ResourceDefinition definition = resource.resourceDefinition();
        Map<String, String> refs = Map.of("RscDfn", definition.name(), "Node", node.name(),
                "VlmNr", Integer.toString(volumeDefinition.volumeNumber()));
        String named = resource.props().get(PROP_STOR_POOL_NAME);
        String namedBy = "the resource's property";
        if (named == null && !resource.isDiskless()) {
            for (var source : List.of(Map.entry("the volume definition's property", volumeDefinition.props()),
                    Map.entry("the resource definition's property", definition.props()),
                    Map.entry("the property of resource group '%s'".formatted(definition.resourceGroup().name()),
                            definition.resourceGroup().props()),
                    Map.entry("node '%s''s property".formatted(node.name()), node.props()))) {
                named = source.getValue().get(PROP_STOR_POOL_NAME);
                if (named != null) {
                    namedBy = source.getKey();
                    break;
                }
            }
        }
        if (named == null && resource.isDiskless()) {
            named = StoragePoolService.DISKLESS_POOL;
            namedBy = "the default for diskless replicas";
        }
        if (named != null) {
            return namedPool(resource, named, namedBy, nodePools, refs);
        }
        List<StoragePool> withStorage = nodePools.stream()
                .filter(p -> p.providerKind() != ProviderKind.DISKLESS).toList();
        if (withStorage.size() == 1) {
            return withStorage.get(0);
        }
        if (withStorage.isEmpty()) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_STOR_POOL_NAME,
                    "Node '%s' has no storage pool for resource '%s'.".formatted(node.name(), definition.name()),
                    "A diskful replica needs a storage pool other than the diskless one, and the node has none.",
                    "Create a storage pool on the node (POST /v1/nodes/%s/storage-pools), or ask for a diskless replica with flags [\"DRBD_DISKLESS\"]."
                            .formatted(node.name()), refs);
        }
        throw ApiException.invalid(RetCode.FAIL_INVLD_STOR_POOL_NAME,
                "Which storage pool of node '%s' should hold resource '%s'?".formatted(node.name(), definition.name()),
                "The node has %d storage pools (%s) and the request names none.".formatted(withStorage.size(),
                        names(withStorage)),
                "Set the resource property %s to one of them (linstor resource create --storage-pool %s)."
                        .formatted(PROP_STOR_POOL_NAME, withStorage.get(0).name()), refs);
    }

    /** The pool {@code named} (by {@code namedBy}) on the resource's node, if it exists and fits the replica. */
    private static StoragePool namedPool(Resource resource, String named, String namedBy, List<StoragePool> nodePools,
                                         Map<String, String> refs) {
        Node node = resource.node();
        StoragePool pool = nodePools.stream().filter(p -> p.name().equalsIgnoreCase(named)).findFirst()
                .orElseThrow(() -> ApiException.notFound(RetCode.FAIL_NOT_FOUND_STOR_POOL,
                        "Storage pool '%s' not found on node '%s'.".formatted(named, node.name()),
                        "Create it on the node, or name another pool in %s (%s); the node has %s."
                                .formatted(PROP_STOR_POOL_NAME, namedBy, names(nodePools)), refs));
        boolean disklessPool = pool.providerKind() == ProviderKind.DISKLESS;
        if (disklessPool != resource.isDiskless()) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_STOR_POOL_NAME,
                    "Storage pool '%s' on node '%s' does not fit a %s replica.".formatted(pool.name(), node.name(),
                            resource.isDiskless() ? "diskless" : "diskful"),
                    resource.isDiskless() ? "A diskless replica keeps no data; its pool must be DISKLESS."
                            : "Pool '%s' is DISKLESS and holds no data (named by %s).".formatted(pool.name(),
                            namedBy),
                    resource.isDiskless() ? "Leave %s out to use %s.".formatted(PROP_STOR_POOL_NAME,
                            StoragePoolService.DISKLESS_POOL)
                            : "Name a pool with storage in %s, or ask for a diskless replica with flags [\"DRBD_DISKLESS\"]."
                            .formatted(PROP_STOR_POOL_NAME), refs);
        }
        return pool;
    }

    private static String names(List<StoragePool> pools) {
        return pools.isEmpty() ? "no pools" : pools.stream().map(StoragePool::name).collect(Collectors.joining(", "));
    }

    // ---- changing ------------------------------------------------------------------------------

    @Transactional
    public List<ApiCallRc> modify(String definitionName, String nodeName, PropsModify modify) {
        Resource resource = require(definitions.require(definitionName), nodeName);
        Map<String, String> refs = refs(resource);
        Map<String, String> changed = new HashMap<>(resource.props());
        List<ApiCallRc> answer = new ArrayList<>(modify.applyTo(changed, RSC, refs));
        String pool = changed.get(PROP_STOR_POOL_NAME);
        if (pool != null && !pool.equals(resource.props().get(PROP_STOR_POOL_NAME))) {
            // the pool is used for volumes added later; it must exist and fit the replica
            namedPool(resource, pool, "the resource's property", pools.poolsOn(resource.node()), refs);
        }
        resource.props().clear();
        resource.props().putAll(changed);
        answer.add(ApiCallRc.success(RetCode.MASK_MOD | RSC | RetCode.MODIFIED,
                "Resource '%s' on node '%s' modified.".formatted(resource.resourceDefinition().name(),
                        resource.node().name()), refs));
        return answer;
    }

    @Transactional
    public List<ApiCallRc> modifyVolume(String definitionName, String nodeName, int volumeNumber, PropsModify modify) {
        Resource resource = require(definitions.require(definitionName), nodeName);
        Volume volume = requireVolume(resource, volumeNumber);
        Map<String, String> refs = new HashMap<>(refs(resource));
        refs.put("VlmNr", Integer.toString(volumeNumber));
        List<ApiCallRc> answer = new ArrayList<>(modify.applyTo(volume.props(), VLM, refs));
        answer.add(ApiCallRc.success(RetCode.MASK_MOD | VLM | RetCode.MODIFIED,
                "Volume %d of resource '%s' on node '%s' modified.".formatted(volumeNumber,
                        resource.resourceDefinition().name(), resource.node().name()), refs));
        return answer;
    }

    // ---- deleting ------------------------------------------------------------------------------

    /**
     * LINSTOR's delete: the resource and its volumes are marked DELETE; the rows are removed when
     * the node's satellite confirms ({@link #confirmRemoved}). Repeating the request is harmless.
     */
    @Transactional
    public List<ApiCallRc> delete(String definitionName, String nodeName) {
        Resource resource = require(definitions.require(definitionName), nodeName);
        return markForDeletion(resource);
    }

    /** Marks {@code resource} and its volumes DELETE and says what happens next. */
    List<ApiCallRc> markForDeletion(Resource resource) {
        Map<String, String> refs = refs(resource);
        String name = resource.resourceDefinition().name();
        String node = resource.node().name();
        if (resource.is(ResourceFlag.DELETE)) {
            return List.of(ApiCallRc.success(RetCode.MASK_DEL | RSC | RetCode.DELETED,
                    "Resource '%s' on node '%s' is already marked for deletion.".formatted(name, node),
                    "It is removed when the satellite on '%s' confirms that it is gone.".formatted(node), refs));
        }
        resource.set(ResourceFlag.DELETE);
        resource.volumes().forEach(volume -> volume.set(VolumeFlag.DELETE));
        desiredStateChanged(resource.node());
        List<ApiCallRc> answer = new ArrayList<>();
        answer.add(ApiCallRc.success(RetCode.MASK_DEL | RSC | RetCode.DELETED,
                "Resource '%s' on node '%s' marked for deletion.".formatted(name, node),
                "It is removed when the satellite on '%s' confirms that it is gone.".formatted(node), refs));
        answer.addAll(notConnected(resource.node(),
                "The resource stays, flagged DELETE, until the satellite confirms its removal.", refs));
        return answer;
    }

    /**
     * Called by the satellite link when the satellite of {@code nodeName} confirms that resource
     * {@code resourceName}, marked DELETE, is gone from the node: removes its rows, and the
     * resource definition too if that was marked DELETE and this was its last resource. Returns
     * false if there was no such resource (a repeated confirmation).
     *
     * @throws IllegalStateException if the resource was not marked for deletion (a satellite must
     *                               never remove a resource the controller still wants)
     */
    @Transactional
    public boolean confirmRemoved(String nodeName, String resourceName) {
        Optional<ResourceDefinition> definition = definitions.findByNameKey(resourceName.toUpperCase(Locale.ROOT));
        Optional<Resource> resource = definition.flatMap(d -> resources.findOne(d, nodeName.toUpperCase(Locale.ROOT)));
        if (resource.isEmpty()) {
            return false;
        }
        if (!resource.get().is(ResourceFlag.DELETE)) {
            throw new IllegalStateException("Resource '%s' on node '%s' was removed by its satellite but is not marked for deletion"
                    .formatted(resourceName, nodeName));
        }
        resources.delete(resource.get());
        resources.flush();
        removeIfDeletedAndEmpty(definition.get());
        return true;
    }

    /** Removes a definition marked DELETE once it has no resources left; true if it did. */
    private boolean removeIfDeletedAndEmpty(ResourceDefinition definition) {
        if (definition.is(ResourceDefinitionFlag.DELETE) && resources.countByResourceDefinition(definition) == 0) {
            definitions.delete(definition);
            return true;
        }
        return false;
    }

    // ---- reactions to node life cycle ----------------------------------------------------------

    /** A node with resources stays: they are deleted first (and confirmed), or the node is declared lost. */
    @EventListener
    @Order(Ordered.HIGHEST_PRECEDENCE)
    void onNodeDeleting(NodeEvent.Deleting event) {
        Node node = event.node();
        List<Resource> placed = resources.findAllOn(node);
        if (!placed.isEmpty()) {
            throw ApiException.conflict(RetCode.FAIL_IN_USE,
                    "Node '%s' still holds %d resource(s): %s.".formatted(node.name(), placed.size(),
                            placed.stream().map(r -> r.resourceDefinition().name()).collect(Collectors.joining(", "))),
                    "A node is deleted only when nothing is placed on it any more.",
                    "Delete its resources first and let its satellite confirm; if the node is gone for good, declare it lost: DELETE /v1/nodes/%s/lost (linstor node lost %s)."
                            .formatted(node.name(), node.name()), Map.of("Node", node.name()));
        }
    }

    /** A lost node's resources go at once: its satellite will never confirm anything. */
    @EventListener
    @Order(Ordered.HIGHEST_PRECEDENCE)
    void onNodeLost(NodeEvent.Lost event) {
        Node node = event.node();
        List<Resource> placed = resources.findAllOn(node);
        Set<ResourceDefinition> affected = new LinkedHashSet<>();
        for (Resource resource : placed) {
            affected.add(resource.resourceDefinition());
            event.answer().add(ApiCallRc.success(RetCode.MASK_DEL | RSC | RetCode.DELETED,
                    "Resource '%s' on lost node '%s' deleted.".formatted(resource.resourceDefinition().name(),
                            node.name()), refs(resource)));
        }
        resources.deleteAll(placed);
        resources.flush();
        for (ResourceDefinition definition : affected) {
            String name = definition.name();
            if (removeIfDeletedAndEmpty(definition)) {
                event.answer().add(ApiCallRc.success(RetCode.MASK_DEL | RetCode.MASK_RSC_DFN | RetCode.DELETED,
                        "Resource definition '%s' deleted: it was marked for deletion and its last resource was on the lost node."
                                .formatted(name), Map.of("RscDfn", name)));
            }
        }
    }

    @EventListener
    @Order(Ordered.HIGHEST_PRECEDENCE)
    void onNodeTypeChanged(NodeEvent.TypeChanged event) {
        Node node = event.node();
        if (!node.type().runsSatellite() && !resources.findAllOn(node).isEmpty()) {
            throw ApiException.conflict(RetCode.FAIL_IN_USE,
                    "Node '%s' cannot become a %s node.".formatted(node.name(), node.type()),
                    "It holds resources, which need a satellite.",
                    "Delete the resources on the node first.", Map.of("Node", node.name()));
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    private Resource require(ResourceDefinition definition, String nodeName) {
        return resources.findOne(definition, nodeName.toUpperCase(Locale.ROOT)).orElseThrow(() -> ApiException.notFound(
                RetCode.FAIL_NOT_FOUND_RSC,
                "Resource '%s' not found on node '%s'.".formatted(definition.name(), nodeName),
                "List the resource's replicas with GET /v1/resource-definitions/%s/resources.".formatted(
                        definition.name()),
                Map.of("RscDfn", definition.name(), "Node", nodeName)));
    }

    private static Volume requireVolume(Resource resource, int volumeNumber) {
        return resource.volume(volumeNumber).orElseThrow(() -> ApiException.notFound(RetCode.FAIL_NOT_FOUND_VLM,
                "Volume %d of resource '%s' not found on node '%s'.".formatted(volumeNumber,
                        resource.resourceDefinition().name(), resource.node().name()),
                "List the volumes with GET /v1/resource-definitions/%s/resources/%s/volumes.".formatted(
                        resource.resourceDefinition().name(), resource.node().name()),
                Map.of("RscDfn", resource.resourceDefinition().name(), "Node", resource.node().name(),
                        "VlmNr", Integer.toString(volumeNumber))));
    }

    /** A warning that the node's satellite is not connected, if it is not. */
    private List<ApiCallRc> notConnected(Node node, String consequence, Map<String, String> refs) {
        if (nodes.observed(node).online()) {
            return List.of();
        }
        return List.of(ApiCallRc.warning(RetCode.WARN_NOT_CONNECTED | RSC,
                "No active connection to satellite '%s'.".formatted(node.name()), consequence,
                "Start the satellite on node '%s' and check its net interface.".formatted(node.name()), refs));
    }

    private static Map<String, String> refs(Resource resource) {
        return Map.of("RscDfn", resource.resourceDefinition().name(), "Node", resource.node().name());
    }

    private static List<Integer> sorted(Set<Integer> numbers) {
        return numbers.stream().sorted().toList();
    }

    // ---- answers -------------------------------------------------------------------------------

    /**
     * A resource as LINSTOR shows it, with what the controller knows: the layer tree holds the
     * decided node id, port, slots and minor numbers. {@code state} (and the volumes' state,
     * devices and sizes) come from the node's satellite; without a connected satellite they are
     * absent, as in LINSTOR.
     */
    private static ResourceDto toDto(Resource resource) {
        ResourceDefinition definition = resource.resourceDefinition();
        List<Volume> volumes = resource.volumes();
        ResourceLayerDto storage = new ResourceLayerDto(null, null, LayerType.STORAGE.name(), null,
                new StorageResourceDto(volumes.stream().map(v -> storageVolume(v, null, null, null)).toList()));
        DrbdResourceDto drbd = new DrbdResourceDto(ResourceDefinitionService.drbdLayer(definition),
                resource.replicaNodeId(), resource.tcpPort() == null ? null : List.of(resource.tcpPort()),
                definition.peerSlots(), definition.alStripes(), definition.alStripeSizeKib(), null,
                volumes.stream().map(v -> drbdVolume(v, null)).toList(), null, null, null);
        ResourceLayerDto layers = new ResourceLayerDto(List.of(storage), null, LayerType.DRBD.name(), drbd, null);
        return new ResourceDto(definition.name(), resource.node().name(), new TreeMap<>(resource.props()),
                Flag.names(ResourceFlag.values(), resource.flags()), layers, null, resource.id().toString(),
                resource.createdAt().toEpochMilli(), null, null);
    }

    private ResourceDto withVolumes(ResourceDto resource, List<Volume> volumes) {
        return new ResourceDto(resource.name(), resource.nodeName(), resource.props(), resource.flags(),
                resource.layerObject(), resource.state(), resource.uuid(), resource.createTimestamp(),
                volumes.stream().map(this::toDto).toList(), sharedName(volumes));
    }

    /** The shared space of the first volume's pool, if that pool shares its storage. */
    private static String sharedName(List<Volume> volumes) {
        if (volumes.isEmpty()) {
            return null;
        }
        StoragePool pool = volumes.get(0).storagePool();
        String own = pool.node().name() + ";" + pool.name();
        return pool.freeSpaceManagerName().equals(own) ? null : pool.freeSpaceManagerName();
    }

    /** A volume, with what its node's satellite reports of it (sizes, backing file, problems) when connected. */
    private VolumeDto toDto(Volume volume) {
        StoragePool pool = volume.storagePool();
        Resource resource = volume.resource();
        Optional<VolumeObservation> observed = resource.isDiskless() ? Optional.empty()
                : observations.of(resource.node().id(), resource.resourceDefinition().name(), volume.volumeNumber());
        Long usable = observed.map(VolumeObservation::usableKib).orElse(null);
        Long allocated = observed.map(VolumeObservation::allocatedKib).orElse(null);
        String backingFile = observed.map(VolumeObservation::backingFile).orElse(null);
        List<ApiCallRc> reports = observed.map(o -> o.problems().stream()
                .map(problem -> ApiCallRc.error(RetCode.FAIL_STOR_POOL_CONFIGURATION_ERROR | VLM,
                        "Volume %d of resource '%s' on node '%s' is not usable.".formatted(volume.volumeNumber(),
                                resource.resourceDefinition().name(), resource.node().name()),
                        problem, "Fix the storage pool '%s' on the node; the satellite retries on its own."
                                .formatted(pool.name()), refs(resource)))
                .toList()).orElse(List.of());
        return new VolumeDto(volume.volumeNumber(), pool.name(), pool.providerKind().name(), null, allocated, usable,
                new TreeMap<>(volume.props()), Flag.names(VolumeFlag.values(), volume.flags()), null,
                List.of(new VolumeLayerDto(LayerType.DRBD.name(), drbdVolume(volume, backingFile)),
                        new VolumeLayerDto(LayerType.STORAGE.name(),
                                storageVolume(volume, backingFile, allocated, usable))),
                volume.id().toString(), reports);
    }

    private static DrbdVolumeDto drbdVolume(Volume volume, String backingFile) {
        return new DrbdVolumeDto(VolumeDefinitionService.drbdVolumeDefinition(volume.volumeDefinition()), null,
                backingFile, null, null, null, null, null);
    }

    private static StorageVolumeDto storageVolume(Volume volume, String backingFile, Long allocated, Long usable) {
        return new StorageVolumeDto(volume.volumeNumber(), backingFile, allocated, usable, null);
    }
}
