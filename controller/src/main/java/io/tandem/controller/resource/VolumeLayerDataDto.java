package io.tandem.controller.resource;

/** The data of one layer of a volume; which one is said by the layer's {@code type}. */
sealed interface VolumeLayerDataDto permits DrbdVolumeDto, StorageVolumeDto {
}
