package io.tandem.controller.resource;

/** The body of {@code POST /v1/resource-definitions/{resource}/volume-definitions}. */
record VolumeDefinitionCreateDto(VolumeDefinitionDto volumeDefinition, Integer drbdMinorNumber, String passphrase) {
}
