package io.tandem.controller.node;

import java.util.List;
import java.util.Map;

/** LINSTOR's Node, for input (create) and output. Enum-valued fields are strings: any case is accepted. */
public record NodeDto(
        String name,
        String type,
        List<String> flags,
        Map<String, String> props,
        List<NetInterfaceDto> netInterfaces,
        String connectionStatus,
        String uuid,
        List<String> storageProviders,
        List<String> resourceLayers,
        Map<String, List<String>> unsupportedProviders,
        Map<String, List<String>> unsupportedLayers,
        Long evictionTimestamp) {
}
