package io.tandem.engine.wire;

import java.util.List;

/**
 * What a {@link PeerHandshake} asks of its caller after a call: send these frames, in order, then
 * act on the outcome.
 */
public record HandshakeStep(List<WireFrame> toSend, HandshakeOutcome outcome) {

  public HandshakeStep {
    toSend = List.copyOf(toSend);
  }
}
