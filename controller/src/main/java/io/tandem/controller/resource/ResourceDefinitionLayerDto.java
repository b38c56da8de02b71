package io.tandem.controller.resource;

/** One layer of a resource definition; only the DRBD layer carries {@code data}. */
record ResourceDefinitionLayerDto(String type, DrbdResourceDefinitionLayerDto data) {
}
