package io.tandem.controller.resource;

import java.util.List;
import java.util.Map;

/** LINSTOR's VolumeDefinition, for input (inside {@link VolumeDefinitionCreateDto}) and output. */
record VolumeDefinitionDto(
        Integer volumeNumber,
        Long sizeKib,
        Map<String, String> props,
        List<String> flags,
        List<VolumeDefinitionLayerDto> layerData,
        String uuid) {
}
