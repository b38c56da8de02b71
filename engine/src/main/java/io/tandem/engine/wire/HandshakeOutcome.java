package io.tandem.engine.wire;

import java.util.Objects;

/** Where a {@link PeerHandshake} stands. */
public sealed interface HandshakeOutcome {

  /** Still exchanging messages. */
  record InProgress() implements HandshakeOutcome {}

  /**
   * Both sides proved the secret and welcomed each other: the connection carries replication
   * traffic in {@code version} with {@code features}.
   */
  record Established(int version, long features) implements HandshakeOutcome {}

  /**
   * The handshake failed; the caller closes the connection (after sending the Refused, if the
   * step carries one).
   *
   * @param reason why
   * @param detail for the operator's log; never contains the secret or a MAC
   */
  record Failed(RefusalReason reason, String detail) implements HandshakeOutcome {
    public Failed {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }

  HandshakeOutcome IN_PROGRESS = new InProgress();
}
