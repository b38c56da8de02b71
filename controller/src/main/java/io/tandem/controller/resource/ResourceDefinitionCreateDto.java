package io.tandem.controller.resource;

/** The body of {@code POST /v1/resource-definitions}. */
record ResourceDefinitionCreateDto(
        ResourceDefinitionDto resourceDefinition,
        Integer drbdPort,
        String drbdSecret,
        Integer drbdPeerSlots,
        String drbdTransportType) {
}
