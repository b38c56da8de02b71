package io.tandem.controller.resource;

import java.util.List;

/**
 * A volume as its node's satellite last reported it: the backing file, its size and what it
 * really occupies (KiB), and problems in words an operator can act on. Never stored.
 */
public record VolumeObservation(String backingFile, Long usableKib, Long allocatedKib, List<String> problems) {
}
