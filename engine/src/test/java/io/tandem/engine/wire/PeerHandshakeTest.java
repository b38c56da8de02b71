package io.tandem.engine.wire;

import io.tandem.engine.testing.Bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.engine.wire.HandshakeOutcome.Established;
import io.tandem.engine.wire.HandshakeOutcome.Failed;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerHandshakeTest {

  static final byte[] SECRET = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
  static final long FEATURES_A = 0b1011;
  static final long FEATURES_B = 0b0110;

  @Test
  void twoSidesEstablishTheHighestCommonVersionAndTheCommonFeatures() {
    PeerHandshake a = new PeerHandshake(new HandshakeConfig("r0", 1, 2, 1, 5, FEATURES_A, SECRET), nonce(1));
    PeerHandshake b = new PeerHandshake(new HandshakeConfig("r0", 2, 1, 3, 9, FEATURES_B, SECRET), nonce(2));

    Link link = Link.run(a, b);

    assertThat(a.outcome()).isEqualTo(new Established(5, 0b0010));
    assertThat(b.outcome()).isEqualTo(new Established(5, 0b0010));
    assertThat(link.sentByA).extracting(frame -> frame.message().type())
        .containsExactly(MessageType.HELLO, MessageType.AUTHENTICATE, MessageType.WELCOME);
    assertThat(link.sentByA).allSatisfy(frame -> assertThat(frame.senderNodeId()).isEqualTo(1));
  }

  @Test
  void establishesWhicheverSideIsFedFirst() {
    PeerHandshake a = handshake(1, 2, SECRET, nonce(1));
    PeerHandshake b = handshake(2, 1, SECRET, nonce(2));

    Link.run(b, a);

    assertThat(a.outcome()).isEqualTo(new Established(WireProtocol.MAX_VERSION, 0));
    assertThat(b.outcome()).isEqualTo(new Established(WireProtocol.MAX_VERSION, 0));
  }

  @Test
  void aWrongSecretOnOneSideFailsBothWithAuthentication() {
    PeerHandshake a = handshake(1, 2, SECRET, nonce(1));
    PeerHandshake b = handshake(2, 1, "another secret".getBytes(StandardCharsets.UTF_8), nonce(2));

    Link link = Link.run(a, b);

    assertThat(a.outcome()).isInstanceOfSatisfying(Failed.class,
        failed -> assertThat(failed.reason()).isEqualTo(RefusalReason.AUTHENTICATION));
    assertThat(b.outcome()).isInstanceOfSatisfying(Failed.class,
        failed -> assertThat(failed.reason()).isEqualTo(RefusalReason.AUTHENTICATION));
    assertThat(link.sentByA).extracting(frame -> frame.message().type())
        .containsExactly(MessageType.HELLO, MessageType.AUTHENTICATE, MessageType.REFUSED);
    for (WireFrame frame : link.all()) {
      if (frame.message() instanceof Refused refused) {
        assertThat(refused.reason()).isEqualTo(RefusalReason.AUTHENTICATION);
        assertThat(refused.text()).doesNotContain("correct horse", "another secret",
            HexFormat.of().formatHex(SECRET));
      }
    }
  }

  @Test
  void versionRangesThatDoNotOverlapFailWithVersion() {
    PeerHandshake a = new PeerHandshake(new HandshakeConfig("r0", 1, 2, 1, 2, 0, SECRET), nonce(1));
    PeerHandshake b = new PeerHandshake(new HandshakeConfig("r0", 2, 1, 3, 4, 0, SECRET), nonce(2));

    Link.run(a, b);

    assertThat(a.outcome()).isEqualTo(new Failed(RefusalReason.VERSION,
        "node 2 speaks versions 3..4, node 1 speaks 1..2"));
    assertThat(b.outcome()).isEqualTo(new Failed(RefusalReason.VERSION,
        "node 1 speaks versions 1..2, node 2 speaks 3..4"));
  }

  @Test
  void aWrongResourceFailsWithWrongResource() {
    PeerHandshake a = new PeerHandshake(HandshakeConfig.of("r0", 1, 2, 0, SECRET), nonce(1));
    PeerHandshake b = new PeerHandshake(HandshakeConfig.of("r1", 2, 1, 0, SECRET), nonce(2));

    Link.run(a, b);

    assertThat(a.outcome()).isEqualTo(new Failed(RefusalReason.WRONG_RESOURCE,
        "node 2 connects for resource 'r1', this connection is for 'r0'"));
    assertThat(((Failed) b.outcome()).reason()).isEqualTo(RefusalReason.WRONG_RESOURCE);
  }

  @Test
  void anUnexpectedNodeFailsWithWrongNode() {
    PeerHandshake a = handshake(1, 2, SECRET, nonce(1));
    PeerHandshake c = handshake(3, 1, SECRET, nonce(3));

    Link.run(a, c);

    assertThat(a.outcome()).isEqualTo(new Failed(RefusalReason.WRONG_NODE,
        "frame from node 3, this connection is for node 2"));
    assertThat(((Failed) c.outcome()).reason()).isEqualTo(RefusalReason.WRONG_NODE);
  }

  @Test
  void aHelloForAnotherReceiverFailsWithWrongNode() {
    PeerHandshake a = handshake(1, 2, SECRET, nonce(1));
    a.start();

    HandshakeStep step = a.receive(WireFrame.handshake(2, new Hello("r0", 2, 4, 1, 1, 0, nonce(2))));

    assertThat(step.outcome()).isEqualTo(new Failed(RefusalReason.WRONG_NODE,
        "HELLO from node 2 for node 4, this connection is node 1 to node 2"));
    assertThat(step.toSend()).extracting(WireFrame::message)
        .containsExactly(new Refused(RefusalReason.WRONG_NODE,
            "HELLO from node 2 for node 4, this connection is node 1 to node 2"));
  }

  @Test
  void messagesOutOfOrderFailWithProtocol() {
    PeerHandshake a = handshake(1, 2, SECRET, nonce(1));
    a.start();
    HandshakeStep step = a.receive(WireFrame.handshake(2, new Welcome(1, 0)));
    assertThat(step.outcome()).isEqualTo(new Failed(RefusalReason.PROTOCOL, "WELCOME while waiting for HELLO"));

    PeerHandshake b = handshake(1, 2, SECRET, nonce(1));
    b.start();
    b.receive(WireFrame.handshake(2, new Hello("r0", 2, 1, 1, 1, 0, nonce(2))));
    HandshakeStep second = b.receive(WireFrame.handshake(2, new Hello("r0", 2, 1, 1, 1, 0, nonce(2))));
    assertThat(second.outcome()).isEqualTo(new Failed(RefusalReason.PROTOCOL, "HELLO while waiting for AUTHENTICATE"));

    PeerHandshake c = handshake(1, 2, SECRET, nonce(1));
    c.start();
    HandshakeStep early = c.receive(WireFrame.handshake(2, new Authenticate(new byte[32])));
    assertThat(early.outcome()).isEqualTo(new Failed(RefusalReason.PROTOCOL, "AUTHENTICATE while waiting for HELLO"));
  }

  @Test
  void aReflectedAuthenticateDoesNotVerify() {
    PeerHandshake a = handshake(1, 2, SECRET, nonce(1));
    a.start();
    HandshakeStep afterHello = a.receive(WireFrame.handshake(2, new Hello("r0", 2, 1, 1, 1, 0, nonce(2))));
    Authenticate own = (Authenticate) afterHello.toSend().get(0).message();

    HandshakeStep step = a.receive(WireFrame.handshake(2, own));

    assertThat(((Failed) step.outcome()).reason()).isEqualTo(RefusalReason.AUTHENTICATION);
  }

  @Test
  void aReflectedHelloIsRefused() {
    PeerHandshake a = handshake(1, 2, SECRET, nonce(1));
    a.start();
    HandshakeStep step = a.receive(WireFrame.handshake(2, new Hello("r0", 2, 1, 1, 1, 0, nonce(1))));
    assertThat(((Failed) step.outcome()).reason()).isEqualTo(RefusalReason.PROTOCOL);
  }

  @Test
  void aWelcomeThatDisagreesFailsWithProtocol() {
    PeerHandshake a = handshake(1, 2, SECRET, nonce(1));
    PeerHandshake b = handshake(2, 1, SECRET, nonce(2));
    a.start();
    b.start();
    // B's Hello and Authenticate, delivered properly, so A reaches AWAIT_WELCOME
    Hello helloB = new Hello("r0", 2, 1, 1, 1, 0, nonce(2));
    List<WireFrame> fromA = a.receive(WireFrame.handshake(2, helloB)).toSend();
    b.receive(WireFrame.handshake(1, new Hello("r0", 1, 2, 1, 1, 0, nonce(1))));
    List<WireFrame> authFromB = b.receive(fromA.get(0)).toSend(); // B verifies A, welcomes it
    assertThat(authFromB).extracting(frame -> frame.message().type()).containsExactly(MessageType.WELCOME);
    byte[] proofB = HandshakeTranscript.mac(SECRET,
        HandshakeTranscript.transcript(2, 1, 1, 0, nonce(2), nonce(1), "r0"));
    a.receive(WireFrame.handshake(2, new Authenticate(proofB)));

    HandshakeStep step = a.receive(WireFrame.handshake(2, new Welcome(1, 0xff)));

    assertThat(step.outcome()).isEqualTo(new Failed(RefusalReason.PROTOCOL,
        "node 2 welcomed version 1 with features 0xff, this node agreed on version 1 with features 0x0"));
  }

  @Test
  void aRefusalFromThePeerFailsWithItsReasonAndNothingIsSentBack() {
    PeerHandshake a = handshake(1, 2, SECRET, nonce(1));
    a.start();

    HandshakeStep step = a.receive(WireFrame.handshake(2, new Refused(RefusalReason.VERSION, "too old")));

    assertThat(step.toSend()).isEmpty();
    assertThat(step.outcome()).isEqualTo(new Failed(RefusalReason.VERSION, "node 2 refused: too old"));
    assertThat(a.receive(WireFrame.handshake(2, new Welcome(1, 0))).outcome()).isEqualTo(step.outcome());
  }

  @Test
  void nothingIsReadBeforeTheHelloIsSent() {
    PeerHandshake a = handshake(1, 2, SECRET, nonce(1));
    assertThatThrownBy(() -> a.receive(WireFrame.handshake(2, new Welcome(1, 0))))
        .isInstanceOf(IllegalStateException.class);
    a.start();
    assertThatThrownBy(a::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theTranscriptIsLaidOutAsDocumented() {
    byte[] transcript = HandshakeTranscript.transcript(1, 2, 3, 0x0102030405060708L, nonce(0x10), nonce(0x40), "r0");

    assertThat(transcript).isEqualTo(Bytes.of()
        .ascii("tandem-wire-auth")
        .hex("01 02 0003 0102030405060708")
        .append(nonce(0x10))
        .append(nonce(0x40))
        .hex("02").ascii("r0")
        .array());
    // RFC 4231 test case 2: HMAC-SHA256 with key "Jefe"
    assertThat(HexFormat.of().formatHex(HandshakeTranscript.mac("Jefe".getBytes(StandardCharsets.US_ASCII),
        "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  @Test
  void theSecretIsNeverPrinted() {
    assertThat(new HandshakeConfig("r0", 1, 2, 1, 1, 0, SECRET).toString())
        .doesNotContain("correct horse").contains("secret=(hidden)");
  }

  @Test
  void garbageFromThePeerIsADecoderErrorBeforeTheHandshakeSeesIt() {
    WireDecoder decoder = new WireDecoder();
    byte[] http = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    WireDecoded decoded = decoder.decode(ByteBuffer.wrap(http));

    assertThat(decoded.kind()).isEqualTo(WireDecoded.Kind.ERROR);
    assertThat(decoded.error()).startsWith("bad magic");
  }

  private static PeerHandshake handshake(int local, int peer, byte[] secret, byte[] nonce) {
    return new PeerHandshake(HandshakeConfig.of("r0", local, peer, 0, secret), nonce);
  }

  private static byte[] nonce(int first) {
    return WireCodecTest.nonce(first);
  }

  /**
   * Two handshakes joined by two byte streams: every frame goes through the encoder and a decoder
   * per direction, delivered one at a time, alternating sides, until neither has anything to send.
   */
  static final class Link {
    final Deque<WireFrame> toB = new ArrayDeque<>();
    final Deque<WireFrame> toA = new ArrayDeque<>();
    final List<WireFrame> sentByA = new ArrayList<>();
    final List<WireFrame> sentByB = new ArrayList<>();
    private final WireDecoder decoderA = new WireDecoder();
    private final WireDecoder decoderB = new WireDecoder();

    static Link run(PeerHandshake a, PeerHandshake b) {
      Link link = new Link();
      link.send(a.start(), link.toB, link.sentByA);
      link.send(b.start(), link.toA, link.sentByB);
      while (!link.toA.isEmpty() || !link.toB.isEmpty()) {
        if (!link.toB.isEmpty()) {
          link.send(b.receive(link.carry(link.toB.poll(), link.decoderB)), link.toA, link.sentByB);
        }
        if (!link.toA.isEmpty()) {
          link.send(a.receive(link.carry(link.toA.poll(), link.decoderA)), link.toB, link.sentByA);
        }
      }
      return link;
    }

    List<WireFrame> all() {
      List<WireFrame> all = new ArrayList<>(sentByA);
      all.addAll(sentByB);
      return all;
    }

    private void send(HandshakeStep step, Deque<WireFrame> queue, List<WireFrame> sent) {
      queue.addAll(step.toSend());
      sent.addAll(step.toSend());
    }

    private WireFrame carry(WireFrame frame, WireDecoder decoder) {
      WireDecoded decoded = decoder.decode(ByteBuffer.wrap(WireEncoder.encode(frame)));
      assertThat(decoded.kind()).isEqualTo(WireDecoded.Kind.FRAME);
      return decoded.frame();
    }
  }
}
