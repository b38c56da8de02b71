package io.tandem.controller.resource;

/** The storage layer of one volume; everything but the number is reported by the satellite. */
record StorageVolumeDto(
        Integer volumeNumber,
        String devicePath,
        Long allocatedSizeKib,
        Long usableSizeKib,
        String diskState) implements VolumeLayerDataDto {
}
