/**
 * The seeded simulation of the engine (REPLICATION.md "How it is tested" point 2; STYLE.md "engine
 * testing"), a test source set of its own ({@code engine/src/simulation/java}). One thread, one
 * seed: a virtual clock, a disk with latency, injected I/O errors and crashes over the crashable
 * in-memory file system, and a random workload — so any failure replays exactly with
 * {@code -Dseed=N}. Invariants are checked after every event and after every crash.
 */
package io.tandem.engine.simulation;
