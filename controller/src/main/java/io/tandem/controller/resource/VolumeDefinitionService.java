package io.tandem.controller.resource;

import io.tandem.controller.rest.ApiCallRc;
import io.tandem.controller.rest.ApiException;
import io.tandem.controller.rest.EnumInput;
import io.tandem.controller.rest.Page;
import io.tandem.controller.rest.PropsModify;
import io.tandem.controller.rest.RetCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Volume definitions; each public method is one transaction. A volume definition added to a
 * resource definition that is already placed adds a volume to every one of its resources.
 */
@Service
public class VolumeDefinitionService {
    private static final long VLM_DFN = RetCode.MASK_VLM_DFN;

    private final ResourceDefinitionRepository definitions;
    private final VolumeDefinitionRepository volumeDefinitions;
    private final ResourceRepository resources;
    private final ResourceService resourceService;

    VolumeDefinitionService(ResourceDefinitionRepository definitions, VolumeDefinitionRepository volumeDefinitions,
                            ResourceRepository resources, ResourceService resourceService) {
        this.definitions = definitions;
        this.volumeDefinitions = volumeDefinitions;
        this.resources = resources;
        this.resourceService = resourceService;
    }

    @Transactional(readOnly = true)
    public List<VolumeDefinitionDto> list(String definitionName, Page page) {
        return page.apply(definitions.require(definitionName).volumeDefinitions().stream()
                .map(VolumeDefinitionService::toDto).toList());
    }

    @Transactional(readOnly = true)
    public VolumeDefinitionDto get(String definitionName, int volumeNumber) {
        return toDto(require(definitions.require(definitionName), volumeNumber));
    }

    @Transactional
    public List<ApiCallRc> create(String definitionName, VolumeDefinitionCreateDto request) {
        ResourceDefinition definition = definitions.require(definitionName);
        Map<String, String> refs = Map.of("RscDfn", definition.name());
        VolumeDefinitionDto given = request.volumeDefinition();
        if (given == null || given.sizeKib() == null) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_VLM_SIZE, "The volume size is missing.",
                    "A volume definition needs its size in KiB in volume_definition.size_kib.",
                    "Send {\"volume_definition\": {\"size_kib\": 1048576}} for 1 GiB.", refs);
        }
        long sizeKib = validSize(given.sizeKib(), refs);
        Map<String, String> props = given.props() == null ? Map.of() : given.props();
        new PropsModify(props, null, null).validate(refs);
        long flags = 0;
        for (String raw : given.flags() == null ? List.<String>of() : given.flags()) {
            flags |= settableFlag(raw, refs).bits();
        }
        if (request.passphrase() != null) {
            throw encryptionUnsupported(refs);
        }
        ResourceDefinitionService.refuseIfDeleting(definition, "a volume definition");
        int volumeNumber = volumeNumber(definition, given.volumeNumber(), refs);
        int minorNumber = minorNumber(request.drbdMinorNumber(), refs);

        VolumeDefinition volumeDefinition = volumeDefinitions.save(
                new VolumeDefinition(definition, volumeNumber, sizeKib, minorNumber, flags, props));
        definition.addVolumeDefinition(volumeDefinition);
        List<Resource> placed = resources.findAllOf(definition).stream()
                .filter(r -> !r.is(ResourceFlag.DELETE)).toList();
        placed.forEach(resource -> resourceService.addVolume(resource, volumeDefinition));

        Map<String, String> volumeRefs = Map.of("RscDfn", definition.name(), "VlmNr", Integer.toString(volumeNumber));
        String volumes = placed.isEmpty() ? "" : " Volumes added on %s.".formatted(placed.stream()
                .map(r -> r.node().name()).collect(Collectors.joining(", ")));
        return List.of(ApiCallRc.success(RetCode.MASK_CRT | VLM_DFN | RetCode.CREATED,
                "New volume definition with number '%d' of resource definition '%s' created.".formatted(volumeNumber,
                        definition.name()),
                "Size %d KiB, minor number %d.%s Volume definition UUID is: %s".formatted(sizeKib, minorNumber, volumes,
                        volumeDefinition.id()), volumeRefs));
    }

    /** Changes size (grow only), props and the GROSS_SIZE flag. */
    @Transactional
    public List<ApiCallRc> modify(String definitionName, int volumeNumber, VolumeDefinitionModifyDto request) {
        ResourceDefinition definition = definitions.require(definitionName);
        VolumeDefinition volumeDefinition = require(definition, volumeNumber);
        Map<String, String> refs = refs(volumeDefinition);
        List<ApiCallRc> answer = new ArrayList<>();
        if (request.sizeKib() != null) {
            long sizeKib = validSize(request.sizeKib(), refs);
            if (sizeKib < volumeDefinition.sizeKib()) {
                throw ApiException.invalid(RetCode.FAIL_INVLD_VLM_SIZE,
                        "Volume %d of '%s' cannot shrink from %d KiB to %d KiB.".formatted(volumeNumber,
                                definition.name(), volumeDefinition.sizeKib(), sizeKib),
                        "Shrinking would cut off data at the end of the volume; only growing is supported.",
                        "Send a size of at least %d KiB.".formatted(volumeDefinition.sizeKib()), refs);
            }
            // level-triggered: the satellites grow their volumes to the size they are sent
            volumeDefinition.setSizeKib(sizeKib);
            resourceService.desiredStateChanged(definition);
        }
        if (request.flags() != null && !request.flags().isEmpty()) {
            long flags = volumeDefinition.flags();
            for (String raw : request.flags()) {
                boolean clear = raw != null && raw.startsWith("-");
                VolumeDefinitionFlag flag = settableFlag(clear ? raw.substring(1) : raw, refs);
                flags = clear ? flags & ~flag.bits() : flags | flag.bits();
            }
            if (flags != volumeDefinition.flags() && resources.countByResourceDefinition(definition) > 0) {
                throw ApiException.conflict(RetCode.FAIL_IN_USE,
                        "The flags of volume %d of '%s' cannot change while it is placed.".formatted(volumeNumber,
                                definition.name()),
                        "GROSS_SIZE decides how large the volumes on the nodes are; they exist already.",
                        "Change the flag before creating resources.", refs);
            }
            volumeDefinition.setFlags(flags);
        }
        answer.addAll(request.propsModify().applyTo(volumeDefinition.props(), VLM_DFN, refs));
        answer.add(ApiCallRc.success(RetCode.MASK_MOD | VLM_DFN | RetCode.MODIFIED,
                "Volume definition with number '%d' of resource definition '%s' modified.".formatted(volumeNumber,
                        definition.name()), refs));
        return answer;
    }

    /** A volume definition is deleted only while its resource definition is not placed anywhere. */
    @Transactional
    public List<ApiCallRc> delete(String definitionName, int volumeNumber) {
        ResourceDefinition definition = definitions.require(definitionName);
        VolumeDefinition volumeDefinition = require(definition, volumeNumber);
        Map<String, String> refs = refs(volumeDefinition);
        List<Resource> placed = resources.findAllOf(definition);
        if (!placed.isEmpty()) {
            throw ApiException.conflict(RetCode.FAIL_IN_USE,
                    "Volume definition %d of '%s' is in use.".formatted(volumeNumber, definition.name()),
                    "Resource '%s' is placed on %s, each with a volume of this definition.".formatted(definition.name(),
                            placed.stream().map(r -> r.node().name()).collect(Collectors.joining(", "))),
                    "Delete the resources first (and let their satellites confirm), then the volume definition.", refs);
        }
        definition.removeVolumeDefinition(volumeDefinition);
        return List.of(ApiCallRc.success(RetCode.MASK_DEL | VLM_DFN | RetCode.DELETED,
                "Volume definition with number '%d' of resource definition '%s' deleted.".formatted(volumeNumber,
                        definition.name()),
                "Volume definition UUID was: %s".formatted(volumeDefinition.id()), refs));
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static VolumeDefinition require(ResourceDefinition definition, int volumeNumber) {
        return definition.volumeDefinition(volumeNumber).orElseThrow(() -> ApiException.notFound(
                RetCode.FAIL_NOT_FOUND_VLM_DFN,
                "Volume definition with number '%d' of resource definition '%s' not found.".formatted(volumeNumber,
                        definition.name()),
                "List the volume definitions with GET /v1/resource-definitions/%s/volume-definitions.".formatted(
                        definition.name()),
                Map.of("RscDfn", definition.name(), "VlmNr", Integer.toString(volumeNumber))));
    }

    private static long validSize(long sizeKib, Map<String, String> refs) {
        if (sizeKib <= 0 || sizeKib > VolumeDefinition.MAX_SIZE_KIB) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_VLM_SIZE, "Invalid volume size %d KiB.".formatted(sizeKib),
                    "A volume has 1 KiB to %d KiB (1 PiB).".formatted(VolumeDefinition.MAX_SIZE_KIB),
                    "Send size_kib in KiB, e.g. 1048576 for 1 GiB.", refs);
        }
        return sizeKib;
    }

    /** The flags a client may set on a volume definition; encryption needs a LUKS layer Tandem does not build. */
    private static VolumeDefinitionFlag settableFlag(String raw, Map<String, String> refs) {
        VolumeDefinitionFlag flag = EnumInput.parse(VolumeDefinitionFlag.class, raw, "volume definition flag",
                RetCode.API_CALL_PARSE_ERROR, refs);
        if (flag == VolumeDefinitionFlag.ENCRYPTED) {
            throw encryptionUnsupported(refs);
        }
        if (flag != VolumeDefinitionFlag.GROSS_SIZE) {
            throw ApiException.invalid(RetCode.API_CALL_PARSE_ERROR,
                    "Flag %s of a volume definition cannot be set by a request.".formatted(flag),
                    "The controller manages it.", "Send no flags, or GROSS_SIZE.", refs);
        }
        return flag;
    }

    private static ApiException encryptionUnsupported(Map<String, String> refs) {
        return ApiException.invalid(RetCode.FAIL_INVLD_LAYER_STACK, "Encrypted volumes are not supported.",
                "Encryption needs a LUKS layer; Tandem builds resources as DRBD over STORAGE.",
                "Leave out the ENCRYPTED flag and the passphrase.", refs);
    }

    private int volumeNumber(ResourceDefinition definition, Integer requested, Map<String, String> refs) {
        Set<Integer> used = definition.volumeDefinitions().stream().map(VolumeDefinition::volumeNumber)
                .collect(Collectors.toSet());
        if (requested == null) {
            return FreeNumbers.lowest(0, VolumeDefinition.MAX_VOLUME_NUMBER, used).orElseThrow(() ->
                    ApiException.conflict(RetCode.FAIL_POOL_EXHAUSTED_VLM_NR,
                            "Resource definition '%s' has no free volume number.".formatted(definition.name()),
                            "All volume numbers from 0 to %d are taken.".formatted(VolumeDefinition.MAX_VOLUME_NUMBER),
                            "Delete a volume definition first.", refs));
        }
        if (requested < 0 || requested > VolumeDefinition.MAX_VOLUME_NUMBER) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_VLM_NR, "Invalid volume number %d.".formatted(requested),
                    "Volume numbers are 0 to %d.".formatted(VolumeDefinition.MAX_VOLUME_NUMBER),
                    "Send a volume number from 0 to %d, or leave it out for the next free one.".formatted(
                            VolumeDefinition.MAX_VOLUME_NUMBER), refs);
        }
        if (used.contains(requested)) {
            throw ApiException.conflict(RetCode.FAIL_EXISTS_VLM_DFN,
                    "Volume definition with number '%d' of resource definition '%s' already exists.".formatted(
                            requested, definition.name()),
                    "Volume numbers are unique within a resource definition.",
                    "Leave volume_number out to get the next free one.", refs);
        }
        return requested;
    }

    /** A minor number, unique in the cluster: the one asked for, or the lowest free one from 1000 to 49999. */
    private int minorNumber(Integer requested, Map<String, String> refs) {
        Set<Integer> used = volumeDefinitions.findAllMinorNumbers();
        if (requested == null) {
            return FreeNumbers.lowest(VolumeDefinition.FIRST_AUTO_MINOR, VolumeDefinition.LAST_AUTO_MINOR, used)
                    .orElseThrow(() -> ApiException.conflict(RetCode.FAIL_POOL_EXHAUSTED_MINOR_NR,
                            "No free minor number.",
                            "All minor numbers from %d to %d are taken.".formatted(VolumeDefinition.FIRST_AUTO_MINOR,
                                    VolumeDefinition.LAST_AUTO_MINOR),
                            "Delete volume definitions, or send drbd_minor_number outside that range.", refs));
        }
        if (requested < 0 || requested > VolumeDefinition.MAX_MINOR) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_MINOR_NR, "Invalid minor number %d.".formatted(requested),
                    "Minor numbers are 0 to %d.".formatted(VolumeDefinition.MAX_MINOR),
                    "Send another drbd_minor_number, or leave it out.", refs);
        }
        if (used.contains(requested)) {
            throw ApiException.conflict(RetCode.FAIL_INVLD_MINOR_NR,
                    "Minor number %d is taken.".formatted(requested),
                    "Minor numbers are unique in the cluster.",
                    "Send a free drbd_minor_number, or leave it out to get the next free one.", refs);
        }
        return requested;
    }

    private static Map<String, String> refs(VolumeDefinition volumeDefinition) {
        Map<String, String> refs = new HashMap<>();
        refs.put("RscDfn", volumeDefinition.resourceDefinition().name());
        refs.put("VlmNr", Integer.toString(volumeDefinition.volumeNumber()));
        return refs;
    }

    // ---- answers -------------------------------------------------------------------------------

    static VolumeDefinitionDto toDto(VolumeDefinition volumeDefinition) {
        return new VolumeDefinitionDto(volumeDefinition.volumeNumber(), volumeDefinition.sizeKib(),
                new TreeMap<>(volumeDefinition.props()),
                Flag.names(VolumeDefinitionFlag.values(), volumeDefinition.flags()),
                List.of(new VolumeDefinitionLayerDto(LayerType.DRBD.name(), drbdVolumeDefinition(volumeDefinition)),
                        new VolumeDefinitionLayerDto(LayerType.STORAGE.name(), null)),
                volumeDefinition.id().toString());
    }

    static DrbdVolumeDefinitionDto drbdVolumeDefinition(VolumeDefinition volumeDefinition) {
        return new DrbdVolumeDefinitionDto(null, volumeDefinition.volumeNumber(), volumeDefinition.minorNumber());
    }
}
