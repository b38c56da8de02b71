package io.tandem.engine.nbd;

/**
 * An export refuses a client at attach time (for instance: another node is Primary and this one may
 * not promote). The message is sent to the client, so it says what is wrong in words an operator
 * understands and holds nothing secret.
 */
public final class NbdRefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  public NbdRefusedException(String message) {
    super(message);
  }
}
