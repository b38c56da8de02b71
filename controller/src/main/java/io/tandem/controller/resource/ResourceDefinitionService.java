package io.tandem.controller.resource;

import io.tandem.controller.group.ResourceGroup;
import io.tandem.controller.group.ResourceGroupService;
import io.tandem.controller.rest.ApiCallRc;
import io.tandem.controller.rest.ApiException;
import io.tandem.controller.rest.EnumInput;
import io.tandem.controller.rest.Name;
import io.tandem.controller.rest.NameFilter;
import io.tandem.controller.rest.NameRule;
import io.tandem.controller.rest.PropsFilter;
import io.tandem.controller.rest.PropsModify;
import io.tandem.controller.rest.RetCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Resource definitions; each public method is one transaction. */
@Service
public class ResourceDefinitionService {
    private static final long RSC_DFN = RetCode.MASK_RSC_DFN;

    private final ResourceDefinitionRepository definitions;
    private final ResourceRepository resources;
    private final ResourceGroupService groups;
    private final ResourceService resourceService;

    ResourceDefinitionService(ResourceDefinitionRepository definitions, ResourceRepository resources,
                              ResourceGroupService groups, ResourceService resourceService) {
        this.definitions = definitions;
        this.resources = resources;
        this.groups = groups;
        this.resourceService = resourceService;
    }

    @Transactional(readOnly = true)
    public List<ResourceDefinitionDto> list(ResourceDefinitionQuery query) {
        NameFilter nameFilter = NameFilter.of(query.names());
        PropsFilter propsFilter = new PropsFilter(query.props());
        return query.page().apply(definitions.findAllOrdered().stream()
                .filter(d -> nameFilter.matches(d.name()) && propsFilter.matches(d.props()))
                .map(d -> toDto(d, query.withVolumeDefinitions() ? volumeDefinitions(d) : null))
                .toList());
    }

    @Transactional(readOnly = true)
    public ResourceDefinitionDto get(String name) {
        return toDto(definitions.require(name), null);
    }

    @Transactional
    public List<ApiCallRc> create(ResourceDefinitionCreateDto request) {
        ResourceDefinitionDto given = request.resourceDefinition();
        if (given == null) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_RSC_NAME, "The resource definition is missing.",
                    "The body must carry the new definition in 'resource_definition'.",
                    "Send {\"resource_definition\": {\"name\": \"res1\"}}.", Map.of());
        }
        String externalName = given.externalName() == null ? null
                : ExternalName.validate(given.externalName(), Map.of("RscDfn", given.externalName()));
        Name name = Name.of(NameRule.RESOURCE, given.name() != null || externalName == null ? given.name()
                : ExternalName.deriveName(externalName,
                        candidate -> definitions.findByNameKey(candidate.toUpperCase(Locale.ROOT)).isPresent()));
        Map<String, String> refs = Map.of("RscDfn", name.value());
        Map<String, String> props = given.props() == null ? Map.of() : given.props();
        new PropsModify(props, null, null).validate(refs);
        if (given.layerData() != null) {
            LayerType.checkStack(given.layerData().stream().map(ResourceDefinitionLayerDto::type).toList(), refs);
        }
        if (request.drbdTransportType() != null) {
            EnumInput.parse(Transport.class, request.drbdTransportType(), "replication transport",
                    RetCode.FAIL_INVLD_TRANSPORT_TYPE, refs);
        }
        String groupName = given.resourceGroupName() == null || given.resourceGroupName().isBlank()
                ? ResourceGroupService.DEFAULT_GROUP : given.resourceGroupName();
        ResourceGroup group = groups.require(groupName);
        int peerSlots = request.drbdPeerSlots() != null ? validPeerSlots(request.drbdPeerSlots(), refs)
                : group.peerSlots() != null ? group.peerSlots() : ResourceDefinition.DEFAULT_PEER_SLOTS;
        String secret = request.drbdSecret() == null ? SharedSecret.generate()
                : SharedSecret.validate(request.drbdSecret(), refs);

        if (definitions.findByNameKey(name.key()).isPresent()) {
            throw ApiException.conflict(RetCode.FAIL_EXISTS_RSC_DFN,
                    "Resource definition '%s' already exists.".formatted(name),
                    "Resource definition names are unique, regardless of case.",
                    "Choose another name, or use the existing definition.", refs);
        }
        if (externalName != null && definitions.findByExternalName(externalName).isPresent()) {
            throw ApiException.conflict(RetCode.FAIL_EXISTS_EXT_NAME,
                    "A resource definition with external name '%s' already exists.".formatted(externalName),
                    "External names are unique.", "Choose another external name.", refs);
        }
        ResourceDefinition definition = definitions.save(
                new ResourceDefinition(name, externalName, group, secret, peerSlots, props));
        List<ApiCallRc> answer = new ArrayList<>();
        answer.add(ApiCallRc.success(RetCode.MASK_CRT | RSC_DFN | RetCode.CREATED,
                "New resource definition '%s' created.".formatted(name),
                "Resource definition '%s' UUID is: %s".formatted(name, definition.id()), refs));
        if (request.drbdPort() != null) {
            answer.add(portIgnored(request.drbdPort(), refs));
        }
        return answer;
    }

    @Transactional
    public List<ApiCallRc> modify(String name, ResourceDefinitionModifyDto request) {
        ResourceDefinition definition = definitions.require(name);
        Map<String, String> refs = Map.of("RscDfn", definition.name());
        List<ApiCallRc> answer = new ArrayList<>();
        LayerType.checkStack(request.layerStack(), refs);
        if (request.drbdPeerSlots() != null) {
            int peerSlots = validPeerSlots(request.drbdPeerSlots(), refs);
            long replicas = resources.countByResourceDefinition(definition);
            if (peerSlots < replicas - 1) {
                throw ApiException.conflict(RetCode.FAIL_INSUFFICIENT_PEER_SLOTS,
                        "Resource definition '%s' cannot have %d peer slots.".formatted(definition.name(), peerSlots),
                        "It has %d replicas, so each replica needs %d peer slots.".formatted(replicas, replicas - 1),
                        "Ask for at least %d peer slots, or delete replicas first.".formatted(replicas - 1), refs);
            }
            definition.setPeerSlots(peerSlots);
        }
        if (request.resourceGroup() != null && !request.resourceGroup().isBlank()) {
            definition.setResourceGroup(groups.require(request.resourceGroup()));
        }
        answer.addAll(request.propsModify().applyTo(definition.props(), RSC_DFN, refs));
        if (request.drbdPort() != null) {
            answer.add(portIgnored(request.drbdPort(), refs));
        }
        answer.add(ApiCallRc.success(RetCode.MASK_MOD | RSC_DFN | RetCode.MODIFIED,
                "Resource definition '%s' modified.".formatted(definition.name()),
                "Resource definition '%s' UUID is: %s".formatted(definition.name(), definition.id()), refs));
        return answer;
    }

    /**
     * LINSTOR's delete: the definition and all its resources are marked DELETE; the definition is
     * removed at once if it has no resources, otherwise when the last one is confirmed removed
     * ({@link ResourceService#confirmRemoved}).
     */
    @Transactional
    public List<ApiCallRc> delete(String name) {
        ResourceDefinition definition = definitions.require(name);
        Map<String, String> refs = Map.of("RscDfn", definition.name());
        List<Resource> placed = resources.findAllOf(definition);
        if (placed.isEmpty()) {
            definitions.delete(definition);
            return List.of(ApiCallRc.success(RetCode.MASK_DEL | RSC_DFN | RetCode.DELETED,
                    "Resource definition '%s' deleted.".formatted(definition.name()),
                    "Resource definition '%s' UUID was: %s".formatted(definition.name(), definition.id()), refs));
        }
        definition.set(ResourceDefinitionFlag.DELETE);
        List<ApiCallRc> answer = new ArrayList<>();
        for (Resource resource : placed) {
            answer.addAll(resourceService.markForDeletion(resource));
        }
        List<String> nodes = placed.stream().map(r -> r.node().name()).toList();
        answer.add(ApiCallRc.success(RetCode.MASK_DEL | RSC_DFN | RetCode.DELETED,
                "Resource definition '%s' marked for deletion.".formatted(definition.name()),
                "It is removed once the satellites of %s confirm that its %d resource(s) are gone."
                        .formatted(String.join(", ", nodes), placed.size()), refs));
        return answer;
    }

    /** Refuses to add to a definition that is being deleted. */
    static void refuseIfDeleting(ResourceDefinition definition, String what) {
        if (definition.is(ResourceDefinitionFlag.DELETE)) {
            throw ApiException.conflict(RetCode.FAIL_IN_USE,
                    "Resource definition '%s' is being deleted; %s cannot be added.".formatted(definition.name(), what),
                    "Its deletion was requested and waits for the satellites to remove its resources.",
                    "Wait until the definition is gone and create it again, or use another name.",
                    Map.of("RscDfn", definition.name()));
        }
    }

    private static int validPeerSlots(int peerSlots, Map<String, String> refs) {
        if (peerSlots < 1 || peerSlots > ResourceDefinition.MAX_PEER_SLOTS) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_PROP, "Invalid number of peer slots %d.".formatted(peerSlots),
                    "A replica keeps change-tracking for 1 to %d peers.".formatted(ResourceDefinition.MAX_PEER_SLOTS),
                    "Send drbd_peer_slots between 1 and %d (default %d).".formatted(ResourceDefinition.MAX_PEER_SLOTS,
                            ResourceDefinition.DEFAULT_PEER_SLOTS), refs);
        }
        return peerSlots;
    }

    /** LINSTOR's per-definition port is only a preference since ports are allocated per node. */
    private static ApiCallRc portIgnored(int port, Map<String, String> refs) {
        return new ApiCallRc(RetCode.MASK_INFO | RSC_DFN, "drbd_port %d was not applied.".formatted(port),
                "TCP ports are allocated per node and resource, from %d to %d."
                        .formatted(Resource.FIRST_TCP_PORT, Resource.LAST_TCP_PORT), null,
                "To choose a port, send drbd_tcp_ports when creating a resource.", null, refs, null);
    }

    // ---- answers -------------------------------------------------------------------------------

    /** The definition as LINSTOR shows it; {@code volumeDefinitions} only when asked for, else null. */
    static ResourceDefinitionDto toDto(ResourceDefinition definition, List<VolumeDefinitionDto> volumeDefinitions) {
        return new ResourceDefinitionDto(definition.name(), definition.externalName(),
                new TreeMap<>(definition.props()), Flag.names(ResourceDefinitionFlag.values(), definition.flags()),
                List.of(new ResourceDefinitionLayerDto(LayerType.DRBD.name(), drbdLayer(definition)),
                        new ResourceDefinitionLayerDto(LayerType.STORAGE.name(), null)),
                definition.id().toString(), definition.resourceGroup().name(), volumeDefinitions);
    }

    private static List<VolumeDefinitionDto> volumeDefinitions(ResourceDefinition definition) {
        return definition.volumeDefinitions().stream().map(VolumeDefinitionService::toDto).toList();
    }

    static DrbdResourceDefinitionLayerDto drbdLayer(ResourceDefinition definition) {
        return new DrbdResourceDefinitionLayerDto(null, definition.peerSlots(), definition.alStripes(),
                definition.alStripeSizeKib(), null, definition.transportType(), definition.sharedSecret(), null);
    }

    /** The replication transports LINSTOR knows; Tandem's engine speaks IP (TCP). */
    enum Transport {
        IP
    }
}
