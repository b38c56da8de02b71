package io.tandem.engine.core;

/** The role of a node for a resource (DRBD's words). */
public enum Role {
  Primary,
  Secondary
}
