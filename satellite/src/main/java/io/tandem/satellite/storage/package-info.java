/**
 * Storage on the node: which provider kinds work here (and why the others do not), and what a
 * pool looks like on disk: whether its backing storage is usable, and its capacity.
 */
package io.tandem.satellite.storage;
