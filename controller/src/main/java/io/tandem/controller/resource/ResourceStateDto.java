package io.tandem.controller.resource;

/** Observed state of a resource, reported by its node's satellite. */
record ResourceStateDto(Boolean inUse) {
}
