/**
 * Data generations and the decision two engines make when they connect (DRBD-REFERENCE.md §4):
 * from both sides' generation UUIDs, flags, roles and disk states, who resyncs from whom, with
 * the bitmap or in full — or that they split-brained or hold unrelated data. Pure functions only;
 * {@link io.tandem.engine.generation.ResyncDecider} is the single most dangerous piece of logic in
 * the engine and is tested case by case and for symmetry (both sides must reach mirrored answers).
 */
package io.tandem.engine.generation;
