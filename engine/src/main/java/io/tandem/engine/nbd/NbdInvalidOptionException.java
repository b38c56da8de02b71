package io.tandem.engine.nbd;

/** The data of an option is malformed; the client gets NBD_REP_ERR_INVALID with this message. */
final class NbdInvalidOptionException extends Exception {
  private static final long serialVersionUID = 1L;

  NbdInvalidOptionException(String message) {
    super(message);
  }
}
