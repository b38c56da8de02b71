package io.tandem.controller.node;

import io.tandem.controller.rest.ApiCallRc;
import java.util.List;

/**
 * What happens to a node, published synchronously inside the transaction that does it, so that
 * other features (storage pools, resources) can add to the change or refuse it.
 */
public sealed interface NodeEvent {
    Node node();

    /** The node was just created. */
    record Created(Node node) implements NodeEvent {
    }

    /** The node's type changes from {@code previous} to {@code node.type()}. */
    record TypeChanged(Node node, NodeType previous) implements NodeEvent {
    }

    /** The node's settings or net interfaces changed. */
    record Changed(Node node) implements NodeEvent {
    }

    /** The node is about to be deleted; listeners remove what belongs to it or refuse. */
    record Deleting(Node node) implements NodeEvent {
    }

    /**
     * The node is declared lost: it will not come back, so nothing can be asked of its satellite.
     * Listeners remove at once whatever is placed on it (before {@link Deleting} follows) and add
     * an entry for what they removed to {@code answer}.
     */
    record Lost(Node node, List<ApiCallRc> answer) implements NodeEvent {
    }
}
