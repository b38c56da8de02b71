package io.tandem.controller.resource;

import java.util.List;
import java.util.Map;

/**
 * LINSTOR's ResourceDefinition, for input (inside {@link ResourceDefinitionCreateDto}) and output.
 * {@code volume_definitions} is only filled when asked for.
 */
record ResourceDefinitionDto(
        String name,
        String externalName,
        Map<String, String> props,
        List<String> flags,
        List<ResourceDefinitionLayerDto> layerData,
        String uuid,
        String resourceGroupName,
        List<VolumeDefinitionDto> volumeDefinitions) {
}
