/**
 * The key-value store: named instances of string properties that clients (linstor-csi, for one)
 * keep their own bookkeeping in. An instance exists while it has been written and not deleted.
 */
package io.tandem.controller.kvstore;
