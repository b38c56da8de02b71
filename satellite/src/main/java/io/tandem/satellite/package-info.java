/**
 * The satellite: the agent on every storage node. It listens for the controller's link, proves
 * and checks the cluster secret, reports what the node can do, and makes the node's desired state
 * true (level-triggered: it is sent the whole desired state, never individual commands).
 *
 * <p>Invariant: the satellite persists nothing the controller owns; after a restart it learns
 * everything again from the controller's next DesiredState.
 */
package io.tandem.satellite;
