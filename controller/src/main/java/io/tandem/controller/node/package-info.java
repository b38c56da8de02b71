/**
 * Nodes and their net interfaces: the machines of the cluster and how the controller reaches
 * their satellites.
 *
 * <p>Invariants: a node name is unique case-insensitively; every node has at least one net
 * interface and exactly one of them is active (the one the controller uses). Other features react
 * to a node's life cycle through {@link io.tandem.controller.node.NodeEvent}s published inside the
 * same transaction, so a refusal anywhere rolls the whole change back.
 */
package io.tandem.controller.node;
