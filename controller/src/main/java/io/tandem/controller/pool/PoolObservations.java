package io.tandem.controller.pool;

import java.util.Optional;
import java.util.UUID;

/** The source of observed pool state (implemented by the satellite link). */
public interface PoolObservations {
    /** The satellite's last report of the pool, if its node is connected and has reported it. */
    Optional<PoolObservation> of(UUID nodeId, String poolName);
}
