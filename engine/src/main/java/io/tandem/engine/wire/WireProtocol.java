package io.tandem.engine.wire;

import io.tandem.engine.metadata.PeerSlot;

/** Constants of the engine-to-engine wire; the byte layout is in {@code package-info.java}. */
public final class WireProtocol {

  /** "TDRP", the first four bytes of every frame. */
  public static final int MAGIC = 0x54445250;

  /** The version field of every handshake frame: their layout is the same in every version. */
  public static final int HANDSHAKE_VERSION = 0;
  /** The lowest protocol version this build speaks after the handshake. */
  public static final int MIN_VERSION = 1;
  /** The highest protocol version this build speaks after the handshake. */
  public static final int MAX_VERSION = 1;

  public static final int HEADER_BYTES = 32;
  /** The most data one write or resync reply carries: 32 MiB. */
  public static final int MAX_PAYLOAD_BYTES = 32 * 1024 * 1024;
  /** A data frame carries up to 32 MiB of write payload plus its own fields. */
  public static final int MAX_BODY_BYTES = MAX_PAYLOAD_BYTES + 4096;
  /** Handshake bodies are small; the bound keeps an unauthenticated peer from making us allocate. */
  public static final int MAX_HANDSHAKE_BODY_BYTES = 4096;

  /** Frame flag: a receiver that does not know the type skips the frame (after the handshake). */
  public static final int FLAG_MAY_IGNORE = 0x01;
  static final int KNOWN_FLAGS = FLAG_MAY_IGNORE;

  public static final int MAX_NODE_ID = PeerSlot.MAX_NODE_ID;
  public static final int NONCE_BYTES = 32;
  public static final int MAC_BYTES = 32;
  public static final int MAX_RESOURCE_NAME_BYTES = 255;
  public static final int MAX_REFUSAL_TEXT_BYTES = 1024;
  /** Volume numbers travel as u16. */
  public static final int MAX_VOLUME = 0xffff;

  static final int OFFSET_MAGIC = 0;
  static final int OFFSET_VERSION = 4;
  static final int OFFSET_TYPE = 6;
  static final int OFFSET_SENDER = 8;
  static final int OFFSET_FLAGS = 9;
  static final int OFFSET_RESERVED = 10;
  static final int OFFSET_BODY_LENGTH = 20;
  static final int OFFSET_BODY_CHECKSUM = 24;
  static final int OFFSET_HEADER_CHECKSUM = 28;

  private WireProtocol() {}
}
