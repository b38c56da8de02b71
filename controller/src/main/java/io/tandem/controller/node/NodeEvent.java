package io.tandem.controller.node;

/**
 * What happens to a node, published synchronously inside the transaction that does it, so that
 * other features (storage pools, later resources) can add to the change or refuse it.
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
}
