/**
 * The controller's end of the satellite link (protocol in {@link io.tandem.link}): one connection
 * per satellite node, dialled out to the node's active net interface, kept alive, re-established
 * with backoff; the node's desired state pushed after every committed change and every
 * (re)connect; the satellites' observations cached in memory for the REST views.
 *
 * <p>Invariants: desired state is read from the database after the change committed, never from
 * an uncommitted transaction; every push carries a version greater than all earlier ones; observed
 * state is only ever what a satellite reported, and is dropped when its link drops.
 */
package io.tandem.controller.satellite;
