package io.tandem.controller.resource;

import java.util.List;

/** A node of a resource's layer tree: its kind, the data of that kind, and the layers below it. */
record ResourceLayerDto(
        List<ResourceLayerDto> children,
        String resourceNameSuffix,
        String type,
        DrbdResourceDto drbd,
        StorageResourceDto storage) {
}
