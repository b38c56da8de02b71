package io.tandem.controller.resource;

import java.util.Optional;
import java.util.UUID;

/** The source of observed volume state (implemented by the satellite link). */
public interface VolumeObservations {
    /** The satellite's last report of the volume, if its node is connected and has reported it. */
    Optional<VolumeObservation> of(UUID nodeId, String resourceName, int volumeNumber);
}
