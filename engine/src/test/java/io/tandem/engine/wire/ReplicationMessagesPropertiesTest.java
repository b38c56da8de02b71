package io.tandem.engine.wire;

import io.tandem.engine.testing.Bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.engine.wire.BitmapRuns.BlockRun;
import io.tandem.engine.wire.ReplicaState.VolumeState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Round trips of arbitrary valid replication messages, and what any other body does to the decoder. */
class ReplicationMessagesPropertiesTest {

  @Property(tries = 500)
  void dataWritesRoundTrip(@ForAll("dataWrites") DataWrite write, @ForAll("slicings") List<Integer> slices) {
    DataWrite decoded = (DataWrite) roundTrip(write, slices);

    assertThat(decoded).isEqualTo(write);
    if (write.operation() == DataWrite.OP_WRITE) {
      assertThat(Bytes.remaining(decoded.payload())).isEqualTo(Bytes.remaining(write.payload()));
    } else {
      assertThat(decoded.payload()).isNull();
    }
  }

  @Property(tries = 500)
  void replicaStatesRoundTrip(@ForAll("replicaStates") ReplicaState state, @ForAll("slicings") List<Integer> slices) {
    ReplicaState decoded = (ReplicaState) roundTrip(state, slices);

    assertThat(decoded).isEqualTo(state);
    for (VolumeState volume : decoded.volumes()) {
      assertThat(new ArrayList<>(volume.bitmapUuids().keySet())).isSorted();
    }
  }

  @Property(tries = 500)
  void bitmapRunsRoundTrip(@ForAll("bitmapRuns") BitmapRuns runs, @ForAll("slicings") List<Integer> slices) {
    assertThat(roundTrip(runs, slices)).isEqualTo(runs);
  }

  @Property(tries = 500)
  void checksumRequestsRoundTrip(@ForAll("checksumRequests") ChecksumRequest request,
      @ForAll("slicings") List<Integer> slices) {
    ChecksumRequest decoded = (ChecksumRequest) roundTrip(request, slices);

    assertThat(decoded).isEqualTo(request);
    for (int block = 0; block < ChecksumRequest.blocks(request.length()); block++) {
      assertThat(decoded.digest(block)).isEqualTo(request.digests().position(block * ChecksumRequest.DIGEST_BYTES)
          .limit((block + 1) * ChecksumRequest.DIGEST_BYTES));
    }
  }

  @Property(tries = 500)
  void checksumRepliesRoundTrip(@ForAll("checksumReplies") ChecksumReply reply,
      @ForAll("slicings") List<Integer> slices) {
    ChecksumReply decoded = (ChecksumReply) roundTrip(reply, slices);

    assertThat(decoded).isEqualTo(reply);
    if (reply.status() == ChecksumReply.FAILED) {
      assertThat(decoded.mismatches()).isNull();
    } else {
      assertThat(Bytes.remaining(decoded.mismatches())).isEqualTo(Bytes.remaining(reply.mismatches()));
    }
  }

  /** Bit i of the mismatches is block i, from the least significant bit of byte 0; ok() and the bytes agree. */
  @Property(tries = 1000)
  void aReplySaysExactlyWhichBlocksDiffer(@ForAll("checksumLengths") int length, @ForAll byte[] randomBits) {
    int blocks = ChecksumRequest.blocks(length);
    BitSet differing = BitSet.valueOf(randomBits);
    differing.clear(blocks, Math.max(blocks, differing.length()));
    byte[] mismatches = Arrays.copyOf(differing.toByteArray(), ChecksumReply.mismatchBytes(length));

    ChecksumReply reply = ChecksumReply.ok(1, 2, 3, length, differing);

    assertThat(reply).isEqualTo(new ChecksumReply(1, 2, 3, length, ChecksumReply.OK, ByteBuffer.wrap(mismatches)));
    assertThat(reply.mismatchCount()).isEqualTo(differing.cardinality());
    for (int block = 0; block < blocks; block++) {
      assertThat(reply.differs(block)).as("block %d", block).isEqualTo(differing.get(block));
      assertThat(reply.differs(block))
          .isEqualTo((Byte.toUnsignedInt(mismatches[block / 8]) >>> (block % 8) & 1) == 1);
    }
  }

  /** The digest of block i is the SHA-256 of bytes 4096·i to 4096·(i + 1) (or the end) of the range. */
  @Property(tries = 200)
  void blockDigestsDigestEachBlockOfAnyData(@ForAll @Size(max = 5 * ChecksumRequest.BLOCK_BYTES) byte[] data,
      @ForAll @IntRange(max = 16) int before) throws Exception {
    byte[] padded = new byte[before + data.length];
    System.arraycopy(data, 0, padded, before, data.length);
    ByteBuffer buffer = ByteBuffer.wrap(padded, before, data.length);

    ByteBuffer digests = BlockDigests.of(buffer);

    assertThat(buffer.position()).isEqualTo(before);
    assertThat(digests.remaining()).isEqualTo(ChecksumRequest.blocks(data.length) * ChecksumRequest.DIGEST_BYTES);
    for (int block = 0; block < ChecksumRequest.blocks(data.length); block++) {
      int from = block * ChecksumRequest.BLOCK_BYTES;
      byte[] expected = MessageDigest.getInstance("SHA-256")
          .digest(Arrays.copyOfRange(data, from, Math.min(data.length, from + ChecksumRequest.BLOCK_BYTES)));
      assertThat(Bytes.remaining(digests.slice(block * ChecksumRequest.DIGEST_BYTES, ChecksumRequest.DIGEST_BYTES)))
          .as("block %d", block).isEqualTo(expected);
    }
  }

  @Property(tries = 500)
  void everyReplicationMessageRoundTripsBackToBackInAnySlicing(
      @ForAll("replicationFrames") List<WireFrame> frames, @ForAll("slicings") List<Integer> slices) {
    Bytes stream = Bytes.of();
    frames.forEach(frame -> stream.append(WireEncoder.encode(frame)));

    assertThat(decodeAll(stream.array(), slices)).isEqualTo(frames);
  }

  @Property(tries = 1000)
  void splitKeepsTheRunsInOrderAndMarksOnlyTheLast(@ForAll("runLists") List<BlockRun> runs,
      @ForAll @IntRange(min = 1, max = 50) int maxRunsPerMessage, @ForAll @IntRange(max = 0xffff) int volume) {
    List<BitmapRuns> messages = BitmapRuns.split(volume, runs, maxRunsPerMessage);

    List<BlockRun> concatenated = new ArrayList<>();
    messages.forEach(message -> concatenated.addAll(message.runs()));
    assertThat(concatenated).isEqualTo(runs);
    assertThat(messages).extracting(BitmapRuns::volume).containsOnly(volume);
    assertThat(messages.get(messages.size() - 1).last()).isTrue();
    assertThat(messages.subList(0, messages.size() - 1)).noneMatch(BitmapRuns::last);
    assertThat(messages).allSatisfy(message -> assertThat(message.runs()).hasSizeLessThanOrEqualTo(maxRunsPerMessage));
    assertThat(messages.subList(0, messages.size() - 1))
        .as("only the last may be short").allSatisfy(message -> assertThat(message.runs()).hasSize(maxRunsPerMessage));
    assertThat(messages).hasSize(Math.max(1, (runs.size() + maxRunsPerMessage - 1) / maxRunsPerMessage));
  }

  /**
   * Every body is exactly as long as its fields: a valid body with a byte changed decodes to a
   * message that encodes back to the same bytes, or is an error; cut short or extended, it is an
   * error. Nothing makes the decoder throw.
   */
  @Property(tries = 2000)
  void aDecodedBodyIsCanonicalAndNothingElseDecodes(@ForAll("replicationMessages") WireMessage message,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int where, @ForAll byte value,
      @ForAll @IntRange(min = 1, max = 9) int extra) {
    byte[] body = message.encodeBody();
    byte[] changed = body.clone();
    if (changed.length > 0) {
      changed[where % changed.length] = value;
    }
    WireDecoded decoded = decodeBody(message.type().code(), changed);
    if (decoded.kind() == WireDecoded.Kind.FRAME) {
      assertThat(decoded.frame().message().encodeBody()).isEqualTo(changed);
    } else {
      assertThat(decoded.kind()).isEqualTo(WireDecoded.Kind.ERROR);
    }

    if (body.length > 0) {
      byte[] shorter = Arrays.copyOf(body, where % body.length);
      assertThat(decodeBody(message.type().code(), shorter).kind()).as("cut to %d bytes", shorter.length)
          .isEqualTo(WireDecoded.Kind.ERROR);
    }
    byte[] longer = Arrays.copyOf(body, body.length + extra);
    assertThat(decodeBody(message.type().code(), longer).kind()).isEqualTo(WireDecoded.Kind.ERROR);
  }

  @Property(tries = 2000)
  void anyBodyOfAReplicationTypeDecodesCanonicallyOrFails(@ForAll @IntRange(min = 32, max = 45) int typeCode,
      @ForAll @Size(max = 120) byte[] body) {
    WireDecoded decoded = decodeBody(typeCode, body);

    assertThat(decoded.kind()).isIn(WireDecoded.Kind.FRAME, WireDecoded.Kind.ERROR);
    if (decoded.kind() == WireDecoded.Kind.FRAME) {
      assertThat(decoded.frame().message().encodeBody()).isEqualTo(body);
    }
  }

  // ---- generators ----------------------------------------------------------------------------

  @Provide
  Arbitrary<DataWrite> dataWrites() {
    return Arbitraries.integers().between(DataWrite.OP_WRITE, DataWrite.OP_WRITE_ZEROS).flatMap(operation -> {
      boolean carried = operation == DataWrite.OP_WRITE;
      Arbitrary<Integer> lengths = carried
          ? Arbitraries.integers().between(1, 600)
          : Arbitraries.integers().between(1, WireProtocol.MAX_PAYLOAD_BYTES);
      return lengths.flatMap(length -> Combinators.combine(Arbitraries.longs(), volumes(),
              Arbitraries.integers().between(0, DataWrite.KNOWN_FLAGS),
              Arbitraries.longs().between(0, Long.MAX_VALUE - length), Arbitraries.integers(),
              carried ? payloads(length) : Arbitraries.just((ByteBuffer) null))
          .as((sequence, volume, flags, offset, replicatedTo, payload) ->
              new DataWrite(sequence, volume, operation, flags, offset, length, replicatedTo, payload)));
    });
  }

  /** {@code length} bytes between a buffer's position and limit, with bytes on either side. */
  private static Arbitrary<ByteBuffer> payloads(int length) {
    return Combinators.combine(Arbitraries.bytes().array(byte[].class).ofSize(length),
            Arbitraries.integers().between(0, 16), Arbitraries.integers().between(0, 16))
        .as((data, before, after) -> {
          byte[] padded = new byte[before + length + after];
          Arrays.fill(padded, (byte) 0x5a);
          System.arraycopy(data, 0, padded, before, length);
          return ByteBuffer.wrap(padded, before, length);
        });
  }

  @Provide
  Arbitrary<ReplicaState> replicaStates() {
    Arbitrary<VolumeState> volumeStates = Combinators.combine(volumes(),
            Arbitraries.integers().between(0, 0xff), Arbitraries.integers().between(0, 0xff),
            Arbitraries.longs().between(0, Long.MAX_VALUE), Arbitraries.longs(),
            Arbitraries.maps(Arbitraries.integers().between(0, WireProtocol.MAX_NODE_ID), Arbitraries.longs())
                .ofMaxSize(VolumeState.MAX_BITMAP_UUIDS),
            Arbitraries.longs().list().ofMaxSize(VolumeState.MAX_HISTORY),
            Arbitraries.longs().between(0, Long.MAX_VALUE))
        .as(VolumeState::new);
    return Combinators.combine(Arbitraries.integers().between(ReplicaState.ROLE_SECONDARY, ReplicaState.ROLE_PRIMARY),
            volumeStates.list().ofMaxSize(6).uniqueElements(VolumeState::number))
        .as(ReplicaState::new);
  }

  @Provide
  Arbitrary<BitmapRuns> bitmapRuns() {
    return Combinators.combine(volumes(), Arbitraries.of(true, false), runLists()).as(BitmapRuns::new);
  }

  /** Ascending, non-overlapping runs: gaps (zero for adjacent runs) and lengths from a start. */
  @Provide
  Arbitrary<List<BlockRun>> runLists() {
    Arbitrary<long[]> steps = Combinators.combine(
            Arbitraries.longs().between(0, 1L << 40),
            Arbitraries.longs().between(1, 1L << 30))
        .as((gap, count) -> new long[] {gap, count});
    return Combinators.combine(Arbitraries.longs().between(0, 1L << 50), steps.list().ofMaxSize(60))
        .as((start, list) -> {
          List<BlockRun> runs = new ArrayList<>();
          long at = start;
          for (long[] step : list) {
            BlockRun run = new BlockRun(at + step[0], step[1]);
            runs.add(run);
            at = run.end();
          }
          return runs;
        });
  }

  @Provide
  Arbitrary<ChecksumRequest> checksumRequests() {
    return checksumLengths().flatMap(length -> Combinators.combine(Arbitraries.longs(), volumes(),
            Arbitraries.longs().between(0, Long.MAX_VALUE - length),
            Arbitraries.integers().between(ChecksumRequest.VERIFY, ChecksumRequest.RESYNC),
            payloads(ChecksumRequest.blocks(length) * ChecksumRequest.DIGEST_BYTES))
        .as((id, volume, offset, purpose, digests) ->
            new ChecksumRequest(id, volume, offset, length, purpose, digests)));
  }

  /** OK with any blocks differing (as bytes between a buffer's position and limit), or FAILED. */
  @Provide
  Arbitrary<ChecksumReply> checksumReplies() {
    return checksumLengths().flatMap(length -> {
      int blocks = ChecksumRequest.blocks(length);
      Arbitrary<ByteBuffer> mismatches = payloads(ChecksumReply.mismatchBytes(length)).map(buffer -> {
        if (blocks % 8 != 0) {
          int last = buffer.limit() - 1;
          buffer.put(last, (byte) (buffer.get(last) & ((1 << (blocks % 8)) - 1)));
        }
        return buffer;
      });
      return Combinators.combine(Arbitraries.longs(), volumes(), Arbitraries.longs().between(0, Long.MAX_VALUE - length),
              mismatches.injectNull(0.2))
          .as((id, volume, offset, bits) -> new ChecksumReply(id, volume, offset, length,
              bits == null ? ChecksumReply.FAILED : ChecksumReply.OK, bits));
    });
  }

  /** Mostly a few blocks, the last one often short; sometimes up to the most a request compares. */
  @Provide
  Arbitrary<Integer> checksumLengths() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.integers().between(1, 20 * ChecksumRequest.BLOCK_BYTES)),
        Tuple.of(1, Arbitraries.integers().between(1, ChecksumRequest.MAX_LENGTH)));
  }

  @Provide
  Arbitrary<WireMessage> replicationMessages() {
    Arbitrary<Long> longs = Arbitraries.longs();
    Arbitrary<Long> offsets = Arbitraries.longs().between(0, 1L << 50);
    Arbitrary<Integer> dataLengths = Arbitraries.integers().between(1, WireProtocol.MAX_PAYLOAD_BYTES);
    Arbitrary<ResyncReply> replies = Arbitraries.integers().between(ResyncReply.DATA, ResyncReply.FAILED)
        .flatMap(kind -> (kind == ResyncReply.DATA ? Arbitraries.integers().between(1, 300) : dataLengths)
            .flatMap(length -> Combinators.combine(longs, volumes(), offsets,
                    kind == ResyncReply.DATA ? payloads(length) : Arbitraries.just((ByteBuffer) null))
                .as((id, volume, offset, payload) -> new ResyncReply(id, volume, offset, length, kind, payload))));
    Arbitrary<String> texts = Arbitraries.strings().ofMaxLength(300)
        .filter(text -> text.codePoints().noneMatch(point -> point >= 0xd800 && point <= 0xdfff))
        .filter(text -> text.getBytes(StandardCharsets.UTF_8).length <= TwoPhase.MAX_TEXT_BYTES);
    return Arbitraries.oneOf(List.of(
        replicaStates(),
        dataWrites(),
        Combinators.combine(longs, Arbitraries.integers().between(WriteAck.RECEIVED, WriteAck.FAILED))
            .as(WriteAck::new),
        longs.map(Barrier::new),
        Combinators.combine(longs, Arbitraries.of(true, false)).as(BarrierAck::new),
        bitmapRuns(),
        Combinators.combine(longs, volumes(), offsets, dataLengths).as(ResyncRequest::new),
        replies,
        Combinators.combine(volumes(), offsets, Arbitraries.longs().between(1, 1L << 50)).as(InSync::new),
        Combinators.combine(Arbitraries.longs().between(1, Long.MAX_VALUE), Arbitraries.integers()).as(PeerAck::new),
        Combinators.combine(volumes(), longs).as(ResyncFinished::new),
        Combinators.combine(volumes(), longs).as(NewCurrentUuid::new),
        Combinators.combine(longs, Arbitraries.integers().between(TwoPhase.PREPARE, TwoPhase.ABORT),
                Arbitraries.integers().between(0, 0xff), texts)
            .as(TwoPhase::new),
        checksumRequests(),
        checksumReplies()));
  }

  @Provide
  Arbitrary<List<WireFrame>> replicationFrames() {
    return Combinators.combine(Arbitraries.integers().between(0, WireProtocol.MAX_NODE_ID), replicationMessages())
        .as((sender, message) -> WireFrame.of(1, sender, message))
        .list().ofMinSize(1).ofMaxSize(6);
  }

  @Provide
  Arbitrary<List<Integer>> slicings() {
    return Arbitraries.integers().between(1, 64).list().ofMinSize(1).ofMaxSize(20);
  }

  private static Arbitrary<Integer> volumes() {
    return Arbitraries.integers().between(0, WireProtocol.MAX_VOLUME);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static WireMessage roundTrip(WireMessage message, List<Integer> slices) {
    List<WireFrame> frames = decodeAll(WireEncoder.encode(WireFrame.of(1, 2, message)), slices);
    assertThat(frames).hasSize(1);
    return frames.get(0).message();
  }

  /** Feeds the stream in slices whose sizes cycle through {@code slices}; every frame, failing on an error. */
  private static List<WireFrame> decodeAll(byte[] stream, List<Integer> slices) {
    WireDecoder decoder = ReplicationMessagesTest.established();
    List<WireFrame> frames = new ArrayList<>();
    int at = 0;
    for (int i = 0; at < stream.length; i++) {
      int size = Math.min(slices.get(i % slices.size()), stream.length - at);
      ByteBuffer slice = ByteBuffer.wrap(stream, at, size);
      at += size;
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

  private static WireDecoded decodeBody(int typeCode, byte[] body) {
    byte[] frame = WireEncoder.encodeFrame(1, typeCode, 1, 0, body);
    return ReplicationMessagesTest.established().decode(ByteBuffer.wrap(frame));
  }
}
