package io.tandem.controller.node;

/** LINSTOR's NetInterface, for input and output. */
public record NetInterfaceDto(
        String name,
        String address,
        Integer satellitePort,
        String satelliteEncryptionType,
        Boolean isActive,
        String uuid) {
}
