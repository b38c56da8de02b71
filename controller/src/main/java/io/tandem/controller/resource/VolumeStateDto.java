package io.tandem.controller.resource;

/** Observed state of a volume (disk state), reported by its node's satellite. */
record VolumeStateDto(String diskState) {
}
