package io.tandem.controller.resource;

/** Observed state of the link to one peer replica. */
record DrbdConnectionDto(Boolean connected, String message) {
}
