package io.tandem.controller.node;

import java.util.UUID;

/**
 * Something placed on a node changed (its pools, its resources, their volumes): the node's desired
 * state is different now. Published inside the changing transaction; the satellite link pushes the
 * new desired state once the transaction has committed.
 */
public record NodeDesiredStateChanged(UUID nodeId) {
}
