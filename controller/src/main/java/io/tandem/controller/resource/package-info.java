/**
 * Resource definitions, volume definitions, resources and volumes: what is replicated, and where.
 *
 * <p>Invariants: a resource definition name is unique case-insensitively; volume numbers are
 * unique within a definition (0..65534) and minor numbers in the cluster; a definition has at
 * most one resource per node; within a definition every resource has its own replica node id
 * (0..31), and on a node every resource its own TCP port; a resource has exactly one volume per
 * volume definition, each in a pool of the resource's node (the diskless pool for a diskless
 * replica). Deletion takes two steps, as in LINSTOR: a request marks the resource (and the
 * definition) DELETE, and the rows go when the node's satellite confirms the removal
 * ({@link io.tandem.controller.resource.ResourceService#confirmRemoved}), or at once when the
 * node is declared lost. Observed state (in use, disk states, connections) is never stored and is
 * absent from answers while the satellite is not connected.
 */
package io.tandem.controller.resource;
