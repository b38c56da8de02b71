package io.tandem.controller.resource;

/** One layer of a volume definition; only the DRBD layer carries {@code data}. */
record VolumeDefinitionLayerDto(String type, DrbdVolumeDefinitionDto data) {
}
