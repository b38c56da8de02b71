/**
 * A diskful volume's files and the I/O the core asks for: {@link io.tandem.engine.volume.VolumeStorage}
 * opens (or creates) the data file and the metadata file beside it, reads what the core needs to
 * attach ({@link io.tandem.engine.core.VolumeImage}) and performs the core's data and metadata
 * effects synchronously, answering each with an {@link io.tandem.engine.core.Event.IoCompleted}.
 * It uses only the storage interface, so the threaded runtime and the single-threaded simulation
 * share it — the simulation over the crashable in-memory file system.
 */
package io.tandem.engine.volume;
