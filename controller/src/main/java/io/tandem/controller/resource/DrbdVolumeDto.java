package io.tandem.controller.resource;

/**
 * The replication layer of one volume. Only {@code drbd_volume_definition} is the controller's;
 * the device, sizes and disk state are reported by the satellite.
 */
record DrbdVolumeDto(
        DrbdVolumeDefinitionDto drbdVolumeDefinition,
        String devicePath,
        String backingDevice,
        String metaDisk,
        Long allocatedSizeKib,
        Long usableSizeKib,
        String diskState,
        String extMetaStorPool) implements VolumeLayerDataDto {
}
