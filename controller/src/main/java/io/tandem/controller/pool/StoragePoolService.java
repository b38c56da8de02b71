package io.tandem.controller.pool;

import io.tandem.controller.node.Node;
import io.tandem.controller.node.NodeDesiredStateChanged;
import io.tandem.controller.node.NodeEvent;
import io.tandem.controller.node.NodeObservation;
import io.tandem.controller.node.NodeService;
import io.tandem.controller.node.SatelliteSync;
import io.tandem.controller.rest.ApiCallRc;
import io.tandem.controller.rest.ApiException;
import io.tandem.controller.rest.EnumInput;
import io.tandem.controller.rest.Name;
import io.tandem.controller.rest.NameFilter;
import io.tandem.controller.rest.NameRule;
import io.tandem.controller.rest.Page;
import io.tandem.controller.rest.PropsFilter;
import io.tandem.controller.rest.PropsModify;
import io.tandem.controller.rest.RetCode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Storage pool definitions and storage pools; each public method is one transaction. */
@Service
public class StoragePoolService {
    /** The pool LINSTOR creates on every satellite node for diskless replicas. */
    public static final String DISKLESS_POOL = "DfltDisklessStorPool";

    /** The backing object of a pool: a directory, a volume group (optionally /thinpool), a zpool. */
    static final String PROP_POOL_NAME = "StorDriver/StorPoolName";
    /** The directory of a FILE or FILE_THIN pool. */
    static final String PROP_FILE_DIR = "StorDriver/FileDir";

    private static final long POOL = RetCode.MASK_STOR_POOL;
    private static final long POOL_DEFINITION = RetCode.MASK_STOR_POOL_DFN;

    private final StoragePoolRepository pools;
    private final StoragePoolDefinitionRepository definitions;
    private final NodeService nodes;
    private final PoolObservations observations;
    private final ApplicationEventPublisher events;
    /** Looked up when needed: the satellite link itself reads pools for the desired state. */
    private final ObjectProvider<SatelliteSync> satellites;

    StoragePoolService(StoragePoolRepository pools, StoragePoolDefinitionRepository definitions, NodeService nodes,
                       PoolObservations observations, ApplicationEventPublisher events,
                       ObjectProvider<SatelliteSync> satellites) {
        this.pools = pools;
        this.definitions = definitions;
        this.nodes = nodes;
        this.observations = observations;
        this.events = events;
        this.satellites = satellites;
    }

    /** How long a pool create waits for the node's satellite to look at the new pool. */
    static final java.time.Duration VERDICT_WAIT = java.time.Duration.ofSeconds(3);

    /**
     * After a pool was created (and committed): waits briefly for the node's satellite to apply it
     * and says what it found, the way LINSTOR answers with its satellites' results. Runs outside
     * any transaction; the wait is bounded, and an OFFLINE node is answered at once.
     */
    public List<ApiCallRc> satelliteVerdict(String nodeName, String poolName) {
        // the pool is already committed: a node deleted meanwhile means no verdict, not a failed create
        Node node = nodes.find(nodeName).orElse(null);
        if (node == null) {
            return List.of();
        }
        Map<String, String> refs = Map.of("Node", node.name(), "StorPool", poolName);
        SatelliteSync sync = satellites.getIfAvailable();
        if (sync == null || !nodes.observed(node).online() || !sync.awaitApplied(node.id(), VERDICT_WAIT)) {
            return List.of();
        }
        PoolObservation observed = observations.of(node.id(), poolName).orElse(null);
        if (observed == null) {
            return List.of();
        }
        if (!observed.problems().isEmpty()) {
            return observed.problems().stream().map(problem -> ApiCallRc.warning(
                    RetCode.WARN_STORAGE_ERROR | POOL,
                    "(%s) Storage pool '%s' is registered but not usable yet.".formatted(node.name(), poolName),
                    problem, "Fix the backing storage on the node; the satellite looks again on its own.", refs))
                    .toList();
        }
        return List.of(ApiCallRc.success(RetCode.MASK_CRT | POOL | RetCode.CREATED,
                "(%s) Storage pool '%s' is ready: %s free of %s.".formatted(node.name(), poolName,
                        kib(observed.freeKib()), kib(observed.totalKib())), refs));
    }

    private static String kib(Long kib) {
        if (kib == null) {
            return "unknown";
        }
        if (kib == Long.MAX_VALUE) {
            return "unlimited";
        }
        return "%.1f GiB".formatted(kib / 1024.0 / 1024.0);
    }

    // ---- storage pool definitions ---------------------------------------------------------------

    @Transactional(readOnly = true)
    public List<StoragePoolDefinitionDto> listDefinitions(Page page) {
        return page.apply(definitions.findAllByOrderByNameKey().stream().map(StoragePoolService::toDto).toList());
    }

    @Transactional(readOnly = true)
    public StoragePoolDefinitionDto getDefinition(String name) {
        return toDto(requireDefinition(name));
    }

    @Transactional
    public List<ApiCallRc> createDefinition(StoragePoolDefinitionDto request) {
        Name name = Name.of(NameRule.STORAGE_POOL, request.storagePoolName());
        Map<String, String> refs = Map.of("StorPoolDfn", name.value());
        Map<String, String> props = request.props() == null ? Map.of() : request.props();
        new PropsModify(props, null, null).validate(refs);
        if (definitions.findByNameKey(name.key()).isPresent()) {
            throw ApiException.conflict(RetCode.FAIL_EXISTS_STOR_POOL_DFN,
                    "Storage pool definition '%s' already exists.".formatted(name),
                    "Storage pool names are unique, regardless of case.",
                    "Use the existing definition, or choose another name.", refs);
        }
        StoragePoolDefinition definition = definitions.save(new StoragePoolDefinition(name, props));
        return List.of(ApiCallRc.success(RetCode.MASK_CRT | POOL_DEFINITION | RetCode.CREATED,
                "New storage pool definition '%s' created.".formatted(name),
                "Storage pool definition '%s' UUID is: %s".formatted(name, definition.id()), refs));
    }

    @Transactional
    public List<ApiCallRc> modifyDefinition(String name, PropsModify modify) {
        StoragePoolDefinition definition = requireDefinition(name);
        Map<String, String> refs = Map.of("StorPoolDfn", definition.name());
        List<ApiCallRc> answer = new ArrayList<>(modify.applyTo(definition.props(), POOL_DEFINITION, refs));
        answer.add(ApiCallRc.success(RetCode.MASK_MOD | POOL_DEFINITION | RetCode.MODIFIED,
                "Storage pool definition '%s' modified.".formatted(definition.name()), refs));
        return answer;
    }

    @Transactional
    public List<ApiCallRc> deleteDefinition(String name) {
        StoragePoolDefinition definition = requireDefinition(name);
        Map<String, String> refs = Map.of("StorPoolDfn", definition.name());
        if (definition.nameKey().equals(DISKLESS_POOL.toUpperCase(Locale.ROOT))) {
            throw ApiException.conflict(RetCode.FAIL_IN_USE,
                    "Storage pool definition '%s' is built in.".formatted(definition.name()),
                    "Every satellite node has a diskless pool of this name.", "Nothing to do: it cannot be deleted.",
                    refs);
        }
        List<StoragePool> users = pools.findAllByDefinition(definition);
        if (!users.isEmpty()) {
            String onNodes = String.join(", ", users.stream().map(p -> p.node().name()).sorted().toList());
            throw ApiException.conflict(RetCode.FAIL_IN_USE,
                    "Storage pool definition '%s' is still in use.".formatted(definition.name()),
                    "Nodes %s have a storage pool of this name.".formatted(onNodes),
                    "Delete those storage pools first (DELETE /v1/nodes/{node}/storage-pools/%s)."
                            .formatted(definition.name()), refs);
        }
        definitions.delete(definition);
        return List.of(ApiCallRc.success(RetCode.MASK_DEL | POOL_DEFINITION | RetCode.DELETED,
                "Storage pool definition '%s' deleted.".formatted(definition.name()), refs));
    }

    // ---- storage pools -------------------------------------------------------------------------

    @Transactional(readOnly = true)
    public List<StoragePoolDto> list(List<String> nodeNames, List<String> poolNames, List<String> props, Page page) {
        NameFilter nodeFilter = NameFilter.of(nodeNames);
        NameFilter poolFilter = NameFilter.of(poolNames);
        PropsFilter propsFilter = new PropsFilter(props);
        return page.apply(pools.findAllOrdered().stream()
                .filter(p -> nodeFilter.matches(p.node().name()) && poolFilter.matches(p.name())
                        && propsFilter.matches(p.props()))
                .map(this::toDto)
                .toList());
    }

    @Transactional(readOnly = true)
    public List<StoragePoolDto> listOnNode(String nodeName, List<String> poolNames, List<String> props, Page page) {
        Node node = nodes.require(nodeName);
        return list(List.of(node.name()), poolNames, props, page);
    }

    @Transactional(readOnly = true)
    public StoragePoolDto get(String nodeName, String poolName) {
        return toDto(require(nodes.require(nodeName), poolName));
    }

    @Transactional
    public List<ApiCallRc> create(String nodeName, StoragePoolDto request) {
        Node node = nodes.require(nodeName);
        Name name = Name.of(NameRule.STORAGE_POOL, request.storagePoolName());
        Map<String, String> refs = Map.of("Node", node.name(), "StorPool", name.value());
        ProviderKind kind = EnumInput.parse(ProviderKind.class, request.providerKind(), "provider kind",
                RetCode.FAIL_INVLD_PROVIDER, refs);
        Map<String, String> props = new LinkedHashMap<>(request.props() == null ? Map.of() : request.props());
        new PropsModify(props, null, null).validate(refs);
        if (!node.type().runsSatellite()) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_NODE_TYPE,
                    "Node '%s' cannot hold storage pools.".formatted(node.name()),
                    "It is a %s node; only SATELLITE and COMBINED nodes run a satellite with storage."
                            .formatted(node.type()),
                    "Create the pool on a satellite node, or change the node's type (PUT /v1/nodes/%s with node_type)."
                            .formatted(node.name()), refs);
        }
        checkBackingObject(kind, props, refs);
        NodeObservation observed = nodes.observed(node);
        if (observed.online() && observed.storageProviders() != null
                && !observed.storageProviders().contains(kind.name())) {
            List<String> why = observed.unsupportedProviders() == null ? List.of()
                    : observed.unsupportedProviders().getOrDefault(kind.name(), List.of());
            throw ApiException.invalid(RetCode.FAIL_STLT_DOES_NOT_SUPPORT_PROVIDER,
                    "Node '%s' does not support %s storage pools.".formatted(node.name(), kind),
                    why.isEmpty() ? "Its satellite does not report %s among its providers.".formatted(kind)
                            : "Its satellite reports: " + String.join("; ", why) + ".",
                    "Use one of the node's providers (%s), or install what is missing and restart the satellite."
                            .formatted(String.join(", ", observed.storageProviders())), refs);
        }
        if (pools.findAllByNode(node).stream().anyMatch(p -> p.definition().nameKey().equals(name.key()))) {
            throw ApiException.conflict(RetCode.FAIL_EXISTS_STOR_POOL,
                    "Storage pool '%s' already exists on node '%s'.".formatted(name, node.name()),
                    "A node has at most one pool of each name, regardless of case.",
                    "Choose another name, or delete the existing pool first.", refs);
        }
        String freeSpaceManager = freeSpaceManagerName(node, name, request.sharedSpace(), refs);
        List<ApiCallRc> answer = new ArrayList<>();
        StoragePoolDefinition definition = definitions.findByNameKey(name.key()).orElseGet(() -> {
            StoragePoolDefinition created = definitions.save(new StoragePoolDefinition(name, Map.of()));
            answer.add(ApiCallRc.success(RetCode.MASK_CRT | POOL_DEFINITION | RetCode.CREATED,
                    "New storage pool definition '%s' created.".formatted(name), Map.of("StorPoolDfn", name.value())));
            return created;
        });
        StoragePool pool = pools.save(new StoragePool(node, definition, kind, freeSpaceManager,
                Boolean.TRUE.equals(request.externalLocking()), props));
        events.publishEvent(new NodeDesiredStateChanged(node.id()));
        answer.add(ApiCallRc.success(RetCode.MASK_CRT | POOL | RetCode.CREATED,
                "New storage pool '%s' on node '%s' registered.".formatted(definition.name(), node.name()),
                "Storage pool '%s' on node '%s' UUID is: %s".formatted(definition.name(), node.name(), pool.id()),
                refs));
        return answer;
    }

    @Transactional
    public List<ApiCallRc> modify(String nodeName, String poolName, PropsModify modify) {
        StoragePool pool = require(nodes.require(nodeName), poolName);
        Map<String, String> refs = Map.of("Node", pool.node().name(), "StorPool", pool.name());
        Map<String, String> changed = new HashMap<>(pool.props());
        List<ApiCallRc> answer = new ArrayList<>(modify.applyTo(changed, POOL, refs));
        for (String fixed : List.of(PROP_POOL_NAME, PROP_FILE_DIR)) {
            if (!Objects.equals(changed.get(fixed), pool.props().get(fixed))) {
                throw ApiException.invalid(RetCode.FAIL_INVLD_PROP,
                        "Property '%s' of storage pool '%s' cannot be changed.".formatted(fixed, pool.name()),
                        "It names the pool's backing storage, which holds the pool's volumes.",
                        "Create a new storage pool for other backing storage.", refs);
            }
        }
        pool.props().clear();
        pool.props().putAll(changed);
        events.publishEvent(new NodeDesiredStateChanged(pool.node().id()));
        answer.add(ApiCallRc.success(RetCode.MASK_MOD | POOL | RetCode.MODIFIED,
                "Storage pool '%s' on node '%s' modified.".formatted(pool.name(), pool.node().name()), refs));
        return answer;
    }

    @Transactional
    public List<ApiCallRc> delete(String nodeName, String poolName) {
        StoragePool pool = require(nodes.require(nodeName), poolName);
        Map<String, String> refs = Map.of("Node", pool.node().name(), "StorPool", pool.name());
        refuseIfHoldsVolumes(pool, refs);
        pools.delete(pool);
        events.publishEvent(new NodeDesiredStateChanged(pool.node().id()));
        return List.of(ApiCallRc.success(RetCode.MASK_DEL | POOL | RetCode.DELETED,
                "Storage pool '%s' on node '%s' deleted.".formatted(pool.name(), pool.node().name()), refs));
    }

    /** The pools of {@code node}, ordered by name, props loaded; for features that place volumes in them. */
    @Transactional(readOnly = true)
    public List<StoragePool> poolsOn(Node node) {
        List<StoragePool> found = pools.findAllByNode(node).stream()
                .sorted(Comparator.comparing(p -> p.definition().nameKey()))
                .toList();
        found.forEach(pool -> pool.props().size()); // loaded while the transaction is open
        return found;
    }

    // ---- reactions to node life cycle ----------------------------------------------------------

    @EventListener
    void onNodeCreated(NodeEvent.Created event) {
        if (event.node().type().runsSatellite()) {
            createDisklessPool(event.node());
        }
    }

    @EventListener
    void onNodeTypeChanged(NodeEvent.TypeChanged event) {
        Node node = event.node();
        List<StoragePool> existing = pools.findAllByNode(node);
        if (node.type().runsSatellite()) {
            if (existing.stream().noneMatch(p -> p.name().equalsIgnoreCase(DISKLESS_POOL))) {
                createDisklessPool(node);
            }
            return;
        }
        List<String> storage = existing.stream().filter(p -> p.providerKind() != ProviderKind.DISKLESS)
                .map(StoragePool::name).sorted().toList();
        if (!storage.isEmpty()) {
            throw ApiException.conflict(RetCode.FAIL_IN_USE,
                    "Node '%s' cannot become a %s node.".formatted(node.name(), node.type()),
                    "It has storage pools (%s), which need a satellite.".formatted(String.join(", ", storage)),
                    "Delete those storage pools first.", Map.of("Node", node.name()));
        }
        existing.forEach(pool -> refuseIfHoldsVolumes(pool, Map.of("Node", node.name(), "StorPool", pool.name())));
        pools.deleteAll(existing);
    }

    @EventListener
    void onNodeDeleting(NodeEvent.Deleting event) {
        List<StoragePool> existing = pools.findAllByNode(event.node());
        existing.forEach(pool -> refuseIfHoldsVolumes(pool,
                Map.of("Node", event.node().name(), "StorPool", pool.name())));
        pools.deleteAll(existing);
        pools.flush();
    }

    // ---- helpers -------------------------------------------------------------------------------

    private void createDisklessPool(Node node) {
        StoragePoolDefinition definition = definitions.findByNameKey(DISKLESS_POOL.toUpperCase(Locale.ROOT))
                .orElseGet(() -> definitions.save(
                        new StoragePoolDefinition(Name.of(NameRule.STORAGE_POOL, DISKLESS_POOL), Map.of())));
        pools.save(new StoragePool(node, definition, ProviderKind.DISKLESS,
                node.name() + ";" + definition.name(), false, Map.of()));
    }

    private void refuseIfHoldsVolumes(StoragePool pool, Map<String, String> refs) {
        long volumes = pools.countVolumesIn(pool.id());
        if (volumes > 0) {
            throw ApiException.conflict(RetCode.FAIL_IN_USE,
                    "Storage pool '%s' on node '%s' still holds %d volume(s).".formatted(pool.name(),
                            pool.node().name(), volumes),
                    "Deleting the pool would lose their data.",
                    "Delete or move the resources and snapshots in this pool first.", refs);
        }
    }

    private StoragePoolDefinition requireDefinition(String name) {
        return definitions.findByNameKey(name.toUpperCase(Locale.ROOT)).orElseThrow(() -> ApiException.notFound(
                RetCode.FAIL_NOT_FOUND_STOR_POOL_DFN, "Storage pool definition '%s' not found.".formatted(name),
                "List the definitions with GET /v1/storage-pool-definitions.", Map.of("StorPoolDfn", name)));
    }

    private StoragePool require(Node node, String poolName) {
        String key = poolName.toUpperCase(Locale.ROOT);
        return pools.findAllByNode(node).stream().filter(p -> p.definition().nameKey().equals(key)).findFirst()
                .orElseThrow(() -> ApiException.notFound(RetCode.FAIL_NOT_FOUND_STOR_POOL,
                        "Storage pool '%s' not found on node '%s'.".formatted(poolName, node.name()),
                        "List the node's pools with GET /v1/nodes/%s/storage-pools.".formatted(node.name()),
                        Map.of("Node", node.name(), "StorPool", poolName)));
    }

    /**
     * Each provider kind needs to know its backing object. For FILE kinds the linstor CLI sends the
     * directory as {@code StorDriver/StorPoolName}; the API's own name is {@code StorDriver/FileDir}.
     * Both are kept, so that either reads back.
     */
    private static void checkBackingObject(ProviderKind kind, Map<String, String> props, Map<String, String> refs) {
        switch (kind) {
            case DISKLESS -> { }
            case FILE, FILE_THIN -> {
                String fileDir = props.get(PROP_FILE_DIR);
                String poolName = props.get(PROP_POOL_NAME);
                if (fileDir == null && poolName == null) {
                    throw ApiException.invalid(RetCode.FAIL_MISSING_PROPS,
                            "A %s storage pool needs a directory.".formatted(kind),
                            "Property '%s' is not set.".formatted(PROP_FILE_DIR),
                            "Set props {\"%s\": \"/var/lib/tandem/pools/pool1\"} (an absolute path on the node)."
                                    .formatted(PROP_FILE_DIR), refs);
                }
                if (fileDir != null && poolName != null && !fileDir.equals(poolName)) {
                    throw ApiException.invalid(RetCode.FAIL_INVLD_PROP,
                            "Two different directories given: '%s' and '%s'.".formatted(fileDir, poolName),
                            "'%s' and '%s' both name the pool's directory.".formatted(PROP_FILE_DIR, PROP_POOL_NAME),
                            "Send only one of them.", refs);
                }
                String directory = checkDirectory(fileDir != null ? fileDir : poolName, refs);
                props.put(PROP_FILE_DIR, directory);
                props.put(PROP_POOL_NAME, directory);
            }
            case LVM, LVM_THIN, ZFS, ZFS_THIN -> {
                String backing = props.get(PROP_POOL_NAME);
                String example = switch (kind) {
                    case LVM -> "vg_ssd";
                    case LVM_THIN -> "vg_ssd/thinpool";
                    default -> "tank/tandem";
                };
                if (backing == null || backing.isBlank()) {
                    throw ApiException.invalid(RetCode.FAIL_MISSING_PROPS,
                            "A %s storage pool needs its backing storage.".formatted(kind),
                            "Property '%s' is not set.".formatted(PROP_POOL_NAME),
                            "Set props {\"%s\": \"%s\"}.".formatted(PROP_POOL_NAME, example), refs);
                }
                if (kind == ProviderKind.LVM_THIN && backing.split("/", -1).length != 2) {
                    throw ApiException.invalid(RetCode.FAIL_INVLD_PROP,
                            "Invalid LVM thin pool '%s'.".formatted(backing),
                            "An LVM_THIN pool is named as volume-group/thin-pool.",
                            "Set '%s' to e.g. '%s'.".formatted(PROP_POOL_NAME, example), refs);
                }
            }
        }
    }

    private static String checkDirectory(String directory, Map<String, String> refs) {
        String correction = "Use an absolute path on the node, e.g. /var/lib/tandem/pools/pool1.";
        try {
            Path path = Path.of(directory);
            if (!path.isAbsolute() || directory.contains("\0")) {
                throw ApiException.invalid(RetCode.FAIL_INVLD_PROP,
                        "Invalid storage pool directory '%s'.".formatted(directory),
                        "The directory must be an absolute path.", correction, refs);
            }
            return path.normalize().toString();
        } catch (InvalidPathException e) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_PROP,
                    "Invalid storage pool directory '%s'.".formatted(directory), e.getMessage(), correction, refs);
        }
    }

    private static String freeSpaceManagerName(Node node, Name pool, String sharedSpace, Map<String, String> refs) {
        if (sharedSpace == null || sharedSpace.isBlank()) {
            return node.name() + ";" + pool.value();
        }
        if (sharedSpace.length() > 512 || sharedSpace.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_FREE_SPACE_MGR_NAME,
                    "Invalid shared space name '%s'.".formatted(sharedSpace),
                    "A shared space name has at most 512 printable characters.",
                    "Use the same short name on every pool that shares the backing storage.", refs);
        }
        return sharedSpace;
    }

    private StoragePoolDto toDto(StoragePool pool) {
        Node node = pool.node();
        Map<String, String> traits = new TreeMap<>();
        switch (pool.providerKind().provisioning()) {
            case FAT -> traits.put("Provisioning", "Fat");
            case THIN -> traits.put("Provisioning", "Thin");
            case NONE -> { }
        }
        traits.put("SupportsSnapshots", Boolean.toString(pool.providerKind().supportsSnapshots()));
        List<ApiCallRc> reports = new ArrayList<>();
        Map<String, String> refs = Map.of("Node", node.name(), "StorPool", pool.name());
        Long free = null;
        Long total = null;
        if (!nodes.observed(node).online()) {
            reports.add(ApiCallRc.warning(RetCode.WARN_NOT_CONNECTED | POOL,
                    "No active connection to satellite '%s'.".formatted(node.name()),
                    "The pool's capacity is reported by the node's satellite, which is not connected.",
                    "Start the satellite on node '%s' and check its net interface.".formatted(node.name()), refs));
        } else {
            PoolObservation observed = observations.of(node.id(), pool.name()).orElse(null);
            if (observed == null) {
                reports.add(ApiCallRc.warning(RetCode.WARN_STLT_NOT_UPDATED | POOL,
                        "Satellite '%s' has not reported this pool yet.".formatted(node.name()),
                        "The pool was just created or the satellite just connected.",
                        "Look again in a moment.", refs));
            } else {
                free = observed.freeKib();
                total = observed.totalKib();
                for (String problem : observed.problems()) {
                    reports.add(ApiCallRc.error(RetCode.FAIL_STOR_POOL_CONFIGURATION_ERROR | POOL,
                            "Storage pool '%s' on node '%s' is not usable.".formatted(pool.name(), node.name()),
                            problem, "Fix the pool's backing storage on the node, or delete and recreate the pool"
                                    + " with the right settings.", refs));
                }
            }
        }
        String defaultManager = node.name() + ";" + pool.name();
        return new StoragePoolDto(pool.name(), node.name(), pool.providerKind().name(), new TreeMap<>(pool.props()),
                traits, free, total, pool.freeSpaceManagerName(), pool.id().toString(), reports,
                pool.providerKind().supportsSnapshots(),
                pool.freeSpaceManagerName().equals(defaultManager) ? null : pool.freeSpaceManagerName(),
                pool.externalLocking());
    }

    private static StoragePoolDefinitionDto toDto(StoragePoolDefinition definition) {
        return new StoragePoolDefinitionDto(definition.name(), new TreeMap<>(definition.props()),
                definition.id().toString());
    }
}
