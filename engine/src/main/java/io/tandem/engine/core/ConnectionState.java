package io.tandem.engine.core;

/** The state of the connection to one peer (DRBD's words). */
public enum ConnectionState {
  StandAlone,
  Connecting,
  Connected
}
