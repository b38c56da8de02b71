package io.tandem.engine.core;

/**
 * Whether a node has quorum, and why, in words an operator reads in {@code /status} and in a
 * refused promotion ("1 of 3 nodes visible, need 2").
 */
public record QuorumVerdict(boolean hasQuorum, String reason) {}
