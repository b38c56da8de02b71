package io.tandem.controller.pool;

import java.util.List;

/**
 * A pool as its node's satellite last reported it: capacities in KiB (absent when the pool has a
 * problem), and the problems in words an operator can act on.
 */
public record PoolObservation(Long freeKib, Long totalKib, List<String> problems) {
}
