package io.tandem.controller.node;

import java.util.UUID;

/** The source of observed node state (implemented by the satellite link). */
public interface NodeObservations {
    NodeObservation of(UUID nodeId);
}
