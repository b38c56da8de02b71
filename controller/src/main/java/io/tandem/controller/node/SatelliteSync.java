package io.tandem.controller.node;

import java.time.Duration;
import java.util.UUID;

/**
 * Lets a request wait, briefly, for a node's satellite to have applied what the request just
 * committed, so that the answer can carry the satellite's verdict (as LINSTOR's answers do).
 * Implemented by the satellite link.
 */
public interface SatelliteSync {
    /**
     * Pushes the node's current desired state and waits up to {@code timeout} for its satellite to
     * report having applied it. Returns false when the node is not connected or the time ran out.
     */
    boolean awaitApplied(UUID nodeId, Duration timeout);
}
