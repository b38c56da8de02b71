package io.tandem.controller.resource;

import java.util.List;
import java.util.Map;

/**
 * LINSTOR's Resource, for input (inside {@link ResourceCreateDto}) and output; with
 * {@code volumes} and {@code shared_name} it is LINSTOR's ResourceWithVolumes, the element of
 * {@code /v1/view/resources}. {@code state} is observed state and absent while the node's
 * satellite is not connected.
 */
record ResourceDto(
        String name,
        String nodeName,
        Map<String, String> props,
        List<String> flags,
        ResourceLayerDto layerObject,
        ResourceStateDto state,
        String uuid,
        Long createTimestamp,
        List<VolumeDto> volumes,
        String sharedName) {
}
