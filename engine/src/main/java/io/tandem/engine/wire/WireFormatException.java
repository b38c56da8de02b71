package io.tandem.engine.wire;

/** A frame body that does not decode; the decoder turns it into its error outcome. */
final class WireFormatException extends Exception {
  WireFormatException(String message) {
    super(message);
  }
}
