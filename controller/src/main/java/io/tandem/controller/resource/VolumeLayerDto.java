package io.tandem.controller.resource;

/** One layer of a volume: its kind and its data. */
record VolumeLayerDto(String type, VolumeLayerDataDto data) {
}
