package io.tandem.engine.wire;

import io.tandem.engine.testing.Bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class WireCodecPropertiesTest {

  @Property(tries = 500)
  void handshakeFramesRoundTripInAnySlicing(@ForAll("handshakeFrames") List<WireFrame> frames,
      @ForAll("slicings") List<Integer> slices) {
    assertThat(decodeAll(new WireDecoder(), encodeAll(frames), slices)).isEqualTo(frames);
  }

  @Property(tries = 500)
  void establishedFramesRoundTripInAnySlicing(@ForAll("establishedFrames") List<WireFrame> frames,
      @ForAll("slicings") List<Integer> slices) {
    WireDecoder decoder = new WireDecoder();
    decoder.established(1);
    assertThat(decodeAll(decoder, encodeAll(frames), slices)).isEqualTo(frames);
  }

  @Property(tries = 2000)
  void garbageNeverThrowsAndNeverDecodes(@ForAll @Size(max = 200) byte[] garbage, @ForAll boolean established,
      @ForAll("slicings") List<Integer> slices) {
    WireDecoder decoder = new WireDecoder();
    if (established) {
      decoder.established(1);
    }
    List<WireDecoded> outcomes = feed(decoder, garbage, slices);
    assertThat(outcomes).allSatisfy(decoded -> assertThat(decoded.kind()).isNotEqualTo(WireDecoded.Kind.FRAME));
  }

  @Property(tries = 1000)
  void garbageAfterAGoodMagicNeverThrows(@ForAll @Size(min = 28, max = 200) byte[] garbage) {
    byte[] bytes = ByteBuffer.allocate(4 + garbage.length).putInt(WireProtocol.MAGIC).put(garbage).array();
    // a random header with a valid checksum too: lengths up to 4 GiB must be refused before allocating
    byte[] sealed = WireCodecTest.resealHeader(bytes.clone());
    for (byte[] input : List.of(bytes, sealed)) {
      WireDecoder decoder = new WireDecoder();
      decoder.established(1);
      WireDecoded decoded = decoder.decode(ByteBuffer.wrap(input));
      assertThat(decoded.kind()).isIn(WireDecoded.Kind.ERROR, WireDecoded.Kind.NEED_MORE_BYTES);
    }
  }

  @Property(tries = 2000)
  void everySingleFlippedBitIsDetected(@ForAll("handshakeFrames") List<WireFrame> frames,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int where, @ForAll("slicings") List<Integer> slices) {
    byte[] bytes = WireEncoder.encode(frames.get(0));
    int bit = where % (bytes.length * 8);
    bytes[bit / 8] ^= (byte) (1 << (bit % 8));

    List<WireDecoded> outcomes = feed(new WireDecoder(), bytes, slices);

    assertThat(outcomes).isNotEmpty();
    assertThat(outcomes.get(outcomes.size() - 1).kind()).as("bit %d of %s", bit, frames.get(0))
        .isEqualTo(WireDecoded.Kind.ERROR);
    assertThat(outcomes).noneMatch(decoded -> decoded.kind() == WireDecoded.Kind.FRAME);
  }

  // ---- generators ----------------------------------------------------------------------------

  @Provide
  Arbitrary<List<WireFrame>> handshakeFrames() {
    Arbitrary<byte[]> nonces = Arbitraries.bytes().array(byte[].class).ofSize(WireProtocol.NONCE_BYTES);
    Arbitrary<String> names = Arbitraries.strings().ofMinLength(1).ofMaxLength(60)
        .filter(name -> name.getBytes(StandardCharsets.UTF_8).length <= 255);
    Arbitrary<Integer> nodes = Arbitraries.integers().between(0, WireProtocol.MAX_NODE_ID);
    Arbitrary<Hello> hellos = Combinators.combine(names, nodes, nodes,
            Arbitraries.integers().between(1, 0xffff), Arbitraries.integers().between(0, 0xffff),
            Arbitraries.longs(), nonces)
        .as((name, sender, receiver, min, span, features, nonce) ->
            new Hello(name, sender, receiver, min, Math.min(0xffff, min + span), features, nonce));
    Arbitrary<Authenticate> authenticates = nonces.map(Authenticate::new);
    Arbitrary<Welcome> welcomes = Combinators.combine(Arbitraries.integers().between(1, 0xffff), Arbitraries.longs())
        .as(Welcome::new);
    Arbitrary<Refused> refusals = Combinators.combine(Arbitraries.of(RefusalReason.class),
            Arbitraries.strings().ofMaxLength(200))
        .as(Refused::new);
    Arbitrary<WireMessage> messages = Arbitraries.oneOf(hellos, authenticates, welcomes, refusals);
    return Combinators.combine(nodes, messages).as(WireFrame::handshake).list().ofMinSize(1).ofMaxSize(4);
  }

  @Provide
  Arbitrary<List<WireFrame>> establishedFrames() {
    Arbitrary<WireMessage> messages = Arbitraries.oneOf(
        Arbitraries.longs().map(Ping::new), Arbitraries.longs().map(Pong::new));
    return Combinators.combine(Arbitraries.integers().between(0, WireProtocol.MAX_NODE_ID), messages)
        .as((sender, message) -> WireFrame.of(1, sender, message))
        .list().ofMinSize(1).ofMaxSize(6);
  }

  @Provide
  Arbitrary<List<Integer>> slicings() {
    return Arbitraries.integers().between(1, 64).list().ofMinSize(1).ofMaxSize(20);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static byte[] encodeAll(List<WireFrame> frames) {
    Bytes bytes = Bytes.of();
    frames.forEach(frame -> bytes.append(WireEncoder.encode(frame)));
    return bytes.array();
  }

  private static List<WireFrame> decodeAll(WireDecoder decoder, byte[] stream, List<Integer> slices) {
    List<WireFrame> frames = new ArrayList<>();
    for (WireDecoded decoded : feed(decoder, stream, slices)) {
      assertThat(decoded.kind()).as("decoded %s", decoded).isNotEqualTo(WireDecoded.Kind.ERROR);
      if (decoded.kind() == WireDecoded.Kind.FRAME) {
        frames.add(decoded.frame());
      }
    }
    return frames;
  }

  /**
   * Feeds the stream in slices whose sizes cycle through {@code slices}; every outcome, up to and
   * including the first error.
   */
  private static List<WireDecoded> feed(WireDecoder decoder, byte[] stream, List<Integer> slices) {
    List<WireDecoded> outcomes = new ArrayList<>();
    int at = 0;
    for (int i = 0; at < stream.length; i++) {
      int size = Math.min(slices.get(i % slices.size()), stream.length - at);
      ByteBuffer slice = ByteBuffer.wrap(stream, at, size);
      at += size;
      do {
        WireDecoded decoded = decoder.decode(slice);
        outcomes.add(decoded);
        if (decoded.kind() == WireDecoded.Kind.ERROR) {
          return outcomes;
        }
      } while (slice.hasRemaining());
    }
    return outcomes;
  }
}
