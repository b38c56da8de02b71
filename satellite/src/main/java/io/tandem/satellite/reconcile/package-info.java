/**
 * Level-triggered reconciliation on the satellite: the controller's latest DesiredState is the
 * goal; each object of it (a pool now, resources later) is a key in a work queue with at most one
 * worker per key, whose reconcile step observes the actual state and makes it match, idempotently.
 */
package io.tandem.satellite.reconcile;
