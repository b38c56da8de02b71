package io.tandem.engine.core;

/** How the edge's I/O ended. */
public enum IoOutcome {
  OK,
  ERROR,
  NO_SPACE
}
