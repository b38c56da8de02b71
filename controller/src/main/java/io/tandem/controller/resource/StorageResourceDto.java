package io.tandem.controller.resource;

import java.util.List;

/** The storage layer of one resource: a volume per volume definition. */
record StorageResourceDto(List<StorageVolumeDto> storageVolumes) {
}
