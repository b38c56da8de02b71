package io.tandem.engine.wire;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One side of the handshake of one connection; pure (no socket, thread, clock or randomness —
 * the nonce comes from the caller). Both sides run the same steps, whichever of them dialled:
 * <ol>
 *   <li>{@link #start()}: send {@link Hello} at once, without waiting for the peer's.</li>
 *   <li>On the peer's Hello: check the resource name, both node ids (the frame's sender, the
 *       Hello's sender and the node the peer expects) and the version ranges; choose the highest
 *       version in both ranges and the intersection of the features; send {@link Authenticate}
 *       with the MAC of the transcript this side proves ({@link HandshakeTranscript}).</li>
 *   <li>On the peer's Authenticate: compare it, in constant time, with the MAC of the transcript
 *       the peer proves; send {@link Welcome}.</li>
 *   <li>On the peer's Welcome (it verified this side's proof): check it names the same version and
 *       features; the connection is {@link HandshakeOutcome.Established}.</li>
 * </ol>
 * TCP keeps a peer's messages in order, so any other order is a {@link RefusalReason#PROTOCOL}
 * failure. Every failure this side detects sends a {@link Refused} with the reason; a Refused
 * from the peer fails with the peer's reason. After a failure or once established, further
 * messages change nothing. On {@code Established} the caller switches its {@link WireDecoder} with
 * {@link WireDecoder#established(int)} before decoding further frames.
 */
public final class PeerHandshake {

  private enum State { NEW, AWAIT_HELLO, AWAIT_AUTHENTICATE, AWAIT_WELCOME, DONE }

  private static final List<WireFrame> NOTHING = List.of();

  private final HandshakeConfig config;
  private final byte[] secret;
  private final byte[] nonce;
  private State state = State.NEW;
  private HandshakeOutcome outcome = HandshakeOutcome.IN_PROGRESS;
  private Hello peerHello;
  private int version;
  private long features;

  /** {@code nonce}: 32 bytes from a secure random source, fresh for every connection attempt. */
  public PeerHandshake(HandshakeConfig config, byte[] nonce) {
    this.config = Objects.requireNonNull(config, "config");
    this.secret = config.secret();
    Objects.requireNonNull(nonce, "nonce");
    if (nonce.length != WireProtocol.NONCE_BYTES) {
      throw new IllegalArgumentException("nonce of " + nonce.length + " bytes, expected " + WireProtocol.NONCE_BYTES);
    }
    this.nonce = nonce.clone();
  }

  /** The Hello to send as soon as the connection is up. */
  public HandshakeStep start() {
    if (state != State.NEW) {
      throw new IllegalStateException("the handshake has started");
    }
    state = State.AWAIT_HELLO;
    Hello hello = new Hello(config.resourceName(), config.localNodeId(), config.peerNodeId(),
        config.minVersion(), config.maxVersion(), config.features(), nonce);
    return send(hello, outcome);
  }

  /** Takes one frame the decoder produced and returns what to send and where the handshake stands. */
  public HandshakeStep receive(WireFrame frame) {
    Objects.requireNonNull(frame, "frame");
    if (state == State.NEW) {
      throw new IllegalStateException("start() first: this side's Hello goes out before anything is read");
    }
    if (state == State.DONE) {
      return new HandshakeStep(NOTHING, outcome);
    }
    WireMessage message = frame.message();
    if (message instanceof Refused refused) {
      return finish(NOTHING, new HandshakeOutcome.Failed(refused.reason(),
          "node " + frame.senderNodeId() + " refused: " + refused.text()));
    }
    if (frame.senderNodeId() != config.peerNodeId()) {
      return refuse(RefusalReason.WRONG_NODE, "frame from node " + frame.senderNodeId()
          + ", this connection is for node " + config.peerNodeId());
    }
    return switch (state) {
      case AWAIT_HELLO -> message instanceof Hello hello ? onHello(hello) : outOfOrder(message, "HELLO");
      case AWAIT_AUTHENTICATE -> message instanceof Authenticate authenticate
          ? onAuthenticate(authenticate) : outOfOrder(message, "AUTHENTICATE");
      case AWAIT_WELCOME -> message instanceof Welcome welcome ? onWelcome(welcome) : outOfOrder(message, "WELCOME");
      default -> throw new IllegalStateException("state " + state);
    };
  }

  public HandshakeOutcome outcome() {
    return outcome;
  }

  private HandshakeStep onHello(Hello hello) {
    if (!hello.resourceName().equals(config.resourceName())) {
      return refuse(RefusalReason.WRONG_RESOURCE, "node " + hello.senderNodeId() + " connects for resource '"
          + hello.resourceName() + "', this connection is for '" + config.resourceName() + "'");
    }
    if (hello.senderNodeId() != config.peerNodeId() || hello.receiverNodeId() != config.localNodeId()) {
      return refuse(RefusalReason.WRONG_NODE, "HELLO from node " + hello.senderNodeId() + " for node "
          + hello.receiverNodeId() + ", this connection is node " + config.localNodeId() + " to node "
          + config.peerNodeId());
    }
    if (Arrays.equals(hello.nonce(), nonce)) {
      return refuse(RefusalReason.PROTOCOL, "the peer's HELLO carries this side's nonce (a reflection)");
    }
    int highest = Math.min(hello.maxVersion(), config.maxVersion());
    if (highest < Math.max(hello.minVersion(), config.minVersion())) {
      return refuse(RefusalReason.VERSION, "node " + hello.senderNodeId() + " speaks versions "
          + hello.minVersion() + ".." + hello.maxVersion() + ", node " + config.localNodeId() + " speaks "
          + config.minVersion() + ".." + config.maxVersion());
    }
    peerHello = hello;
    version = highest;
    features = hello.features() & config.features();
    state = State.AWAIT_AUTHENTICATE;
    byte[] proof = HandshakeTranscript.mac(secret, transcript(config.localNodeId(), config.peerNodeId(), nonce,
        hello.nonce()));
    return send(new Authenticate(proof), outcome);
  }

  private HandshakeStep onAuthenticate(Authenticate authenticate) {
    byte[] expected = HandshakeTranscript.mac(secret, transcript(config.peerNodeId(), config.localNodeId(),
        peerHello.nonce(), nonce));
    if (!MessageDigest.isEqual(expected, authenticate.mac())) {
      return refuse(RefusalReason.AUTHENTICATION, "node " + config.peerNodeId()
          + " did not prove knowledge of the shared secret of resource '" + config.resourceName() + "'");
    }
    state = State.AWAIT_WELCOME;
    return send(new Welcome(version, features), outcome);
  }

  private HandshakeStep onWelcome(Welcome welcome) {
    if (welcome.version() != version || welcome.features() != features) {
      return refuse(RefusalReason.PROTOCOL, "node " + config.peerNodeId() + " welcomed version "
          + welcome.version() + " with features 0x" + Long.toHexString(welcome.features())
          + ", this node agreed on version " + version + " with features 0x" + Long.toHexString(features));
    }
    return finish(NOTHING, new HandshakeOutcome.Established(version, features));
  }

  private byte[] transcript(int prover, int verifier, byte[] proverNonce, byte[] verifierNonce) {
    return HandshakeTranscript.transcript(prover, verifier, version, features, proverNonce, verifierNonce,
        config.resourceName());
  }

  private HandshakeStep outOfOrder(WireMessage message, String expected) {
    return refuse(RefusalReason.PROTOCOL, message.type() + " while waiting for " + expected);
  }

  private HandshakeStep refuse(RefusalReason reason, String text) {
    List<WireFrame> refusal = List.of(WireFrame.handshake(config.localNodeId(), new Refused(reason, text)));
    return finish(refusal, new HandshakeOutcome.Failed(reason, text));
  }

  private HandshakeStep finish(List<WireFrame> toSend, HandshakeOutcome result) {
    state = State.DONE;
    outcome = result;
    return new HandshakeStep(toSend, result);
  }

  private HandshakeStep send(WireMessage message, HandshakeOutcome result) {
    return new HandshakeStep(List.of(WireFrame.handshake(config.localNodeId(), message)), result);
  }
}
