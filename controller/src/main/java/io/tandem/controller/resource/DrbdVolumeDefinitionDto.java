package io.tandem.controller.resource;

/** The replication settings of one volume definition: its number and its minor number. */
record DrbdVolumeDefinitionDto(String resourceNameSuffix, Integer volumeNumber, Integer minorNumber) {
}
