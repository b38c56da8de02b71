package io.tandem.engine.wire;

import io.tandem.engine.testing.Bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WireCodecTest {

  static final byte[] NONCE = nonce(0);

  /** HELLO from node 1 to node 2 for resource "r0", versions 1..3, features 0x5, nonce 00..1f. */
  static final byte[] HELLO = Bytes.of()
      .hex("54445250")                  // magic "TDRP"
      .hex("0000")                      // version 0: handshake
      .hex("0001")                      // type HELLO
      .hex("01")                        // sender node 1
      .hex("00")                        // flags
      .zeroes(10)                       // reserved
      .hex("00000032")                  // body length 50
      .hex("77b182c0")                  // body CRC32C
      .hex("a53ca9b6")                  // header CRC32C
      .hex("0001 0003")                 // versions 1..3
      .hex("0000000000000005")          // features
      .hex("01 02 02 00")               // sender 1, receiver 2, name length 2, reserved
      .hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f") // nonce
      .ascii("r0")
      .array();

  /** AUTHENTICATE from node 2 whose MAC is 32 × 0xaa. */
  static final byte[] AUTHENTICATE = Bytes.of()
      .hex("54445250 0000 0002 02 00").zeroes(10)
      .hex("00000020 3abfdfe4 e14af202")
      .hex("aa".repeat(32))
      .array();

  /** WELCOME from node 1: version 1, features 0x4. */
  static final byte[] WELCOME = Bytes.of()
      .hex("54445250 0000 0003 01 00").zeroes(10)
      .hex("0000000a d079b13c ccd73be7")
      .hex("0001 0000000000000004")
      .array();

  /** REFUSED from node 2: AUTHENTICATION, "no". */
  static final byte[] REFUSED = Bytes.of()
      .hex("54445250 0000 0004 02 00").zeroes(10)
      .hex("00000006 8b83e751 98cb474d")
      .hex("0005 0002").ascii("no")
      .array();

  /** PING from node 1 in version 1, sequence 7. */
  static final byte[] PING = Bytes.of()
      .hex("54445250 0001 0010 01 00").zeroes(10)
      .hex("00000008 58e2d661 977d6885")
      .hex("0000000000000007")
      .array();

  static final Hello HELLO_MESSAGE = new Hello("r0", 1, 2, 1, 3, 5, NONCE);

  @Test
  void encodesTheGoldenBytesOfEveryHandshakeMessage() {
    assertThat(WireEncoder.encode(WireFrame.handshake(1, HELLO_MESSAGE))).isEqualTo(HELLO);
    assertThat(WireEncoder.encode(WireFrame.handshake(2, new Authenticate(filled(0xaa)))))
        .isEqualTo(AUTHENTICATE);
    assertThat(WireEncoder.encode(WireFrame.handshake(1, new Welcome(1, 4)))).isEqualTo(WELCOME);
    assertThat(WireEncoder.encode(WireFrame.handshake(2, new Refused(RefusalReason.AUTHENTICATION, "no"))))
        .isEqualTo(REFUSED);
    assertThat(WireEncoder.encode(WireFrame.of(1, 1, new Ping(7)))).isEqualTo(PING);
  }

  @Test
  void decodesTheGoldenBytesOfEveryHandshakeMessage() {
    assertThat(decodeOne(HELLO)).isEqualTo(WireFrame.handshake(1, HELLO_MESSAGE));
    assertThat(decodeOne(AUTHENTICATE)).isEqualTo(WireFrame.handshake(2, new Authenticate(filled(0xaa))));
    assertThat(decodeOne(WELCOME)).isEqualTo(WireFrame.handshake(1, new Welcome(1, 4)));
    assertThat(decodeOne(REFUSED))
        .isEqualTo(WireFrame.handshake(2, new Refused(RefusalReason.AUTHENTICATION, "no")));
    WireDecoder established = new WireDecoder();
    established.established(1);
    assertThat(established.decode(ByteBuffer.wrap(PING)).frame()).isEqualTo(WireFrame.of(1, 1, new Ping(7)));
  }

  @Test
  void decodesOneFrameAndLeavesTheRest() {
    ByteBuffer input = ByteBuffer.wrap(Bytes.of().append(WELCOME).hex("54").array());

    WireDecoded decoded = new WireDecoder().decode(input);

    assertThat(decoded.kind()).isEqualTo(WireDecoded.Kind.FRAME);
    assertThat(input.remaining()).as("the byte after the frame is left for the next call").isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 7, 13, 32, 33, 1000})
  void decodesFramesFedInSlicesAndBackToBack(int sliceBytes) {
    byte[] stream = Bytes.of().append(HELLO).append(AUTHENTICATE).append(WELCOME).append(REFUSED).array();

    List<WireFrame> frames = feedInSlices(new WireDecoder(), stream, sliceBytes);

    assertThat(frames).extracting(frame -> frame.message().type())
        .containsExactly(MessageType.HELLO, MessageType.AUTHENTICATE, MessageType.WELCOME, MessageType.REFUSED);
    assertThat(frames.get(0).message()).isEqualTo(HELLO_MESSAGE);
  }

  @Test
  void pingAndPongRoundTripAfterTheHandshake() {
    WireDecoder decoder = new WireDecoder();
    decoder.established(1);
    byte[] stream = Bytes.of()
        .append(WireEncoder.encode(WireFrame.of(1, 3, new Ping(-1))))
        .append(WireEncoder.encode(WireFrame.of(1, 3, new Pong(-1))))
        .array();

    assertThat(feedInSlices(decoder, stream, 5)).extracting(WireFrame::message)
        .containsExactly(new Ping(-1), new Pong(-1));
  }

  // ---- header errors -------------------------------------------------------------------------

  @Test
  void badMagic() {
    byte[] bytes = HELLO.clone();
    bytes[0] = 0x55;
    assertThat(errorOf(bytes)).isEqualTo("bad magic 0x55445250, expected 0x54445250");
  }

  @Test
  void headerChecksumMismatch() {
    byte[] bytes = HELLO.clone();
    bytes[31] ^= 1;
    assertThat(errorOf(bytes)).startsWith("header checksum mismatch: stored 0xa53ca9b7, computed 0xa53ca9b6");
  }

  @Test
  void nonZeroReservedByte() {
    byte[] bytes = WireEncoder.encodeFrame(0, 1, 1, 0, HELLO_MESSAGE.encodeBody());
    bytes[15] = 1;
    assertThat(errorOf(resealHeader(bytes))).isEqualTo("reserved header byte 15 is not zero");
  }

  @Test
  void unknownFlags() {
    byte[] bytes = WireEncoder.encodeFrame(0, 1, 1, 0x82, HELLO_MESSAGE.encodeBody());
    assertThat(errorOf(bytes)).isEqualTo("unknown frame flags 0x82");
  }

  @Test
  void senderBeyondTheLastNodeId() {
    byte[] bytes = WireEncoder.encodeFrame(0, 1, 32, 0, HELLO_MESSAGE.encodeBody());
    assertThat(errorOf(bytes)).isEqualTo("sender node id 32 is not within 0..31");
  }

  @Test
  void bodyTooLongIsCaughtFromTheHeaderAlone() {
    byte[] header = Arrays.copyOf(WireEncoder.encodeFrame(1, 16, 1, 0, new byte[8]), WireProtocol.HEADER_BYTES);
    ByteBuffer.wrap(header).putInt(WireProtocol.OFFSET_BODY_LENGTH, -1); // 4 GiB − 1
    WireDecoder decoder = new WireDecoder();
    decoder.established(1);

    WireDecoded decoded = decoder.decode(ByteBuffer.wrap(resealHeader(header)));

    assertThat(decoded.error()).isEqualTo("body of 4294967295 bytes is too long, the maximum is 33558528");
  }

  @Test
  void handshakeBodyOverFourKibibytesIsRefusedBeforeAllocation() {
    byte[] header = Arrays.copyOf(HELLO, WireProtocol.HEADER_BYTES);
    ByteBuffer.wrap(header).putInt(WireProtocol.OFFSET_BODY_LENGTH, 4097);
    assertThat(errorOf(resealHeader(header))).isEqualTo("HELLO body of 4097 bytes is too long, the maximum is 4096");
  }

  @Test
  void bodyChecksumMismatch() {
    byte[] bytes = HELLO.clone();
    bytes[bytes.length - 1] ^= 0x40;
    assertThat(errorOf(bytes)).startsWith("body checksum mismatch: stored 0x77b182c0");
  }

  @Test
  void handshakeFrameWithAVersion() {
    byte[] bytes = WireEncoder.encodeFrame(1, 1, 1, 0, HELLO_MESSAGE.encodeBody());
    assertThat(errorOf(bytes)).isEqualTo("HELLO frame with version 1, handshake frames carry 0");
  }

  @Test
  void unknownTypeDuringTheHandshakeIsAnErrorEvenIfIgnorable() {
    byte[] bytes = WireEncoder.encodeFrame(0, 9, 1, WireProtocol.FLAG_MAY_IGNORE, new byte[3]);
    assertThat(errorOf(bytes)).isEqualTo("unknown message type 9 during the handshake");
    assertThat(errorOf(WireEncoder.encodeFrame(1, 300, 1, WireProtocol.FLAG_MAY_IGNORE, new byte[3])))
        .isEqualTo("unknown message type 300 during the handshake");
  }

  @Test
  void pingDuringTheHandshake() {
    assertThat(errorOf(PING)).isEqualTo("PING during the handshake");
  }

  @Test
  void handshakeMessageAfterTheHandshake() {
    WireDecoder decoder = new WireDecoder();
    decoder.established(1);
    assertThat(decoder.decode(ByteBuffer.wrap(HELLO)).error()).isEqualTo("HELLO after the handshake");
  }

  @Test
  void unknownVersionInADataFrame() {
    WireDecoder decoder = new WireDecoder();
    decoder.established(1);
    byte[] bytes = WireEncoder.encode(WireFrame.of(2, 1, new Ping(1)));
    assertThat(decoder.decode(ByteBuffer.wrap(bytes)).error())
        .isEqualTo("unknown version 2 in a frame of type 16, the connection speaks 1");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 7, 13})
  void unknownIgnorableTypeAfterTheHandshakeIsSkipped(int sliceBytes) {
    WireDecoder decoder = new WireDecoder();
    decoder.established(1);
    byte[] stream = Bytes.of()
        .append(WireEncoder.encodeFrame(1, 999, 1, WireProtocol.FLAG_MAY_IGNORE, new byte[100]))
        .append(PING)
        .array();

    assertThat(feedInSlices(decoder, stream, sliceBytes)).extracting(WireFrame::message).containsExactly(new Ping(7));
    assertThat(decoder.skippedFrames()).isEqualTo(1);
  }

  @Test
  void skippedFrameBodyIsStillChecksummed() {
    WireDecoder decoder = new WireDecoder();
    decoder.established(1);
    byte[] bytes = WireEncoder.encodeFrame(1, 999, 1, WireProtocol.FLAG_MAY_IGNORE, new byte[100]);
    bytes[50] = 1;
    assertThat(decoder.decode(ByteBuffer.wrap(bytes)).error()).startsWith("body checksum mismatch");
  }

  @Test
  void unknownTypeWithoutMayIgnoreAfterTheHandshake() {
    WireDecoder decoder = new WireDecoder();
    decoder.established(1);
    byte[] bytes = WireEncoder.encodeFrame(1, 999, 1, 0, new byte[4]);
    assertThat(decoder.decode(ByteBuffer.wrap(bytes)).error())
        .isEqualTo("unknown message type 999 without the may-ignore flag");
  }

  // ---- body errors ---------------------------------------------------------------------------

  @Test
  void bodyErrorsNameTheTypeAndTheField() {
    assertThat(errorOf(WireEncoder.encodeFrame(0, 1, 1, 0, Arrays.copyOf(HELLO_MESSAGE.encodeBody(), 51))))
        .isEqualTo("HELLO body of 3 bytes, expected 2");
    byte[] badReserved = HELLO_MESSAGE.encodeBody();
    badReserved[15] = 1;
    assertThat(errorOf(WireEncoder.encodeFrame(0, 1, 1, 0, badReserved)))
        .isEqualTo("HELLO reserved byte 15 is not zero");
    byte[] emptyRange = HELLO_MESSAGE.encodeBody();
    emptyRange[1] = 4; // min 4 > max 3
    assertThat(errorOf(WireEncoder.encodeFrame(0, 1, 1, 0, emptyRange)))
        .isEqualTo("HELLO version range 4..3 is not within 1..65535 or is empty");
    byte[] badName = HELLO_MESSAGE.encodeBody();
    badName[48] = (byte) 0xc3; // a lead byte without its continuation
    assertThat(errorOf(WireEncoder.encodeFrame(0, 1, 1, 0, badName)))
        .isEqualTo("HELLO resource name is not valid UTF-8");
    assertThat(errorOf(WireEncoder.encodeFrame(0, 2, 1, 0, new byte[31])))
        .isEqualTo("AUTHENTICATE body of 31 bytes, expected 32");
    assertThat(errorOf(WireEncoder.encodeFrame(0, 3, 1, 0, new byte[10])))
        .isEqualTo("WELCOME version 0 is not a protocol version");
    assertThat(errorOf(WireEncoder.encodeFrame(0, 4, 1, 0, Bytes.of().hex("0001 0005").ascii("abc").array())))
        .isEqualTo("REFUSED body of 3 bytes, expected 5");
  }

  @Test
  void refusedWithAnUnknownReasonCodeDecodesAsUnknown() {
    byte[] bytes = WireEncoder.encodeFrame(0, 4, 1, 0, Bytes.of().hex("0063 0001").ascii("?").array());
    assertThat(decodeOne(bytes).message()).isEqualTo(new Refused(RefusalReason.UNKNOWN, "?"));
  }

  // ---- after an error ------------------------------------------------------------------------

  @Test
  void afterAnErrorTheDecoderRefusesFurtherInput() {
    WireDecoder decoder = new WireDecoder();
    byte[] bad = HELLO.clone();
    bad[0] = 0;
    WireDecoded first = decoder.decode(ByteBuffer.wrap(bad));
    ByteBuffer more = ByteBuffer.wrap(HELLO);

    WireDecoded second = decoder.decode(more);

    assertThat(second).isEqualTo(first);
    assertThat(second.kind()).isEqualTo(WireDecoded.Kind.ERROR);
    assertThat(more.position()).as("nothing consumed").isZero();
  }

  @Test
  void establishedOnlyBetweenFramesAndOnce() {
    WireDecoder decoder = new WireDecoder();
    decoder.decode(ByteBuffer.wrap(HELLO, 0, 10));
    assertThatThrownBy(() -> decoder.established(1)).isInstanceOf(IllegalStateException.class);

    WireDecoder other = new WireDecoder();
    other.established(1);
    assertThatThrownBy(() -> other.established(1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void framesRefuseInconsistentFields() {
    assertThatThrownBy(() -> WireFrame.of(1, 1, HELLO_MESSAGE)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WireFrame.handshake(1, new Ping(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WireFrame.handshake(32, HELLO_MESSAGE)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Hello("", 1, 2, 1, 1, 0, NONCE)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Hello("x".repeat(256), 1, 2, 1, 1, 0, NONCE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Hello("r0", 1, 2, 1, 1, 0, new byte[31])).isInstanceOf(IllegalArgumentException.class);
  }

  // ---- helpers -------------------------------------------------------------------------------

  static WireFrame decodeOne(byte[] bytes) {
    ByteBuffer input = ByteBuffer.wrap(bytes);
    WireDecoded decoded = new WireDecoder().decode(input);
    assertThat(decoded.kind()).as("decoded %s", decoded).isEqualTo(WireDecoded.Kind.FRAME);
    assertThat(input.hasRemaining()).isFalse();
    return decoded.frame();
  }

  static String errorOf(byte[] bytes) {
    WireDecoded decoded = new WireDecoder().decode(ByteBuffer.wrap(bytes));
    assertThat(decoded.kind()).as("decoded %s", decoded).isEqualTo(WireDecoded.Kind.ERROR);
    return decoded.error();
  }

  /** Feeds the stream in slices of {@code sliceBytes}; every decoded frame, failing on an error. */
  static List<WireFrame> feedInSlices(WireDecoder decoder, byte[] stream, int sliceBytes) {
    List<WireFrame> frames = new ArrayList<>();
    for (int at = 0; at < stream.length; at += sliceBytes) {
      ByteBuffer slice = ByteBuffer.wrap(stream, at, Math.min(sliceBytes, stream.length - at));
      while (slice.hasRemaining()) {
        WireDecoded decoded = decoder.decode(slice);
        assertThat(decoded.kind()).as("decoded %s", decoded).isNotEqualTo(WireDecoded.Kind.ERROR);
        if (decoded.kind() == WireDecoded.Kind.FRAME) {
          frames.add(decoded.frame());
        }
      }
    }
    return frames;
  }

  /** Recomputes the header checksum after a test changed a header field. */
  static byte[] resealHeader(byte[] frame) {
    ByteBuffer.wrap(frame).putInt(WireProtocol.OFFSET_HEADER_CHECKSUM,
        WireEncoder.crc32c(frame, 0, WireProtocol.OFFSET_HEADER_CHECKSUM));
    return frame;
  }

  static byte[] nonce(int first) {
    byte[] nonce = new byte[WireProtocol.NONCE_BYTES];
    for (int i = 0; i < nonce.length; i++) {
      nonce[i] = (byte) (first + i);
    }
    return nonce;
  }

  static byte[] filled(int value) {
    byte[] bytes = new byte[32];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }
}
