package io.tandem.engine.wire;

import io.tandem.engine.testing.Bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.engine.wire.BitmapRuns.BlockRun;
import io.tandem.engine.wire.ReplicaState.VolumeState;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The replication messages (types 32 on): golden bytes, round trips, and what they refuse; the
 * checksum messages' own are in {@link ReplicationChecksumsTest}.
 */
class ReplicationMessagesTest {

  /**
   * DATA_WRITE from node 1 in version 1: sequence 42, volume 3, a write with FUA and a wanted
   * received-ack, 8 bytes "abcdefgh" at 4096, to nodes 1 and 2.
   */
  static final byte[] DATA_WRITE = Bytes.of()
      .hex("54445250 0001 0021 01 00").zeroes(10)
      .hex("00000024 7183a2c9 76fc6ccb")    // body length 36, body CRC32C, header CRC32C
      .hex("000000000000002a")              // sequence
      .hex("0003")                          // volume
      .hex("00")                            // operation OP_WRITE
      .hex("03")                            // flags FUA | WANT_RECEIVED_ACK
      .hex("0000000000001000")              // offset 4096
      .hex("00000008")                      // length
      .hex("00000006")                      // replicated to nodes 1 and 2
      .ascii("abcdefgh")                    // payload
      .array();

  static final DataWrite DATA_WRITE_MESSAGE = new DataWrite(42, 3, DataWrite.OP_WRITE,
      DataWrite.FLAG_FUA | DataWrite.FLAG_WANT_RECEIVED_ACK, 4096, 8, 0b110, ascii("abcdefgh"));

  /**
   * REPLICA_STATE from node 2: Primary; volume 0 with disk state code 4, crashed primary and
   * reconnect, 1 GiB, bitmap UUIDs for nodes 1 and 3, two history entries, holding its generation's
   * writes up to 258, an unacknowledged branch since generation 0x1111111111111110; volume 1 empty.
   */
  static final byte[] REPLICA_STATE = Bytes.of()
      .hex("54445250 0001 0020 02 00").zeroes(10)
      .hex("0000007a 8ff63a73 d7fe880d")    // body length 122
      .hex("01 00 0002")                    // Primary, reserved, 2 volumes
      .hex("0000000000000007")              // last write sequence 7
      .hex("0000 04 05")                    // volume 0, disk state 4, flags CRASHED_PRIMARY | RECONNECT
      .hex("0000000040000000")              // 1 GiB
      .hex("a1b2c3d4e5f60718")              // current UUID
      .hex("02 02")                         // 2 bitmap UUIDs, 2 history entries
      .hex("0000000000000102")              // generation writes 258
      .hex("1111111111111110")              // unacknowledged since
      .hex("01 3333333333333333")           // node 1's bitmap UUID: ascending node ids
      .hex("03 2222222222222222")           // node 3's
      .hex("4444444444444444 5555555555555555") // history
      .hex("0001 00 00")                    // volume 1, disk state 0, no flags
      .hex("0000000000000000")              // size 0
      .hex("0000000000000004")              // current UUID
      .hex("00 00")                         // no bitmap UUIDs, no history
      .hex("0000000000000000")              // generation writes unknown
      .hex("0000000000000000")              // no unacknowledged branch
      .array();

  static final ReplicaState REPLICA_STATE_MESSAGE = new ReplicaState(ReplicaState.ROLE_PRIMARY, List.of(
      new VolumeState(0, 4, VolumeState.FLAG_CRASHED_PRIMARY | VolumeState.FLAG_RECONNECT, 1L << 30,
          0xa1b2c3d4e5f60718L, descending(Map.of(3, 0x2222222222222222L, 1, 0x3333333333333333L)),
          List.of(0x4444444444444444L, 0x5555555555555555L), 258, 0x1111111111111110L),
      new VolumeState(1, 0, 0, 0, 4, Map.of(), List.of())), 7);

  /** BITMAP_RUNS from node 1: volume 7, the last part, blocks 0..7, 100, and 32 from 2^32. */
  static final byte[] BITMAP_RUNS = Bytes.of()
      .hex("54445250 0001 0025 01 00").zeroes(10)
      .hex("00000038 08274b72 7cfb090d")    // body length 56
      .hex("0007 01 00")                    // volume 7, last, reserved
      .hex("00000003")                      // 3 runs
      .hex("0000000000000000 0000000000000008")
      .hex("0000000000000064 0000000000000001")
      .hex("0000000100000000 0000000000000020")
      .array();

  static final BitmapRuns BITMAP_RUNS_MESSAGE = new BitmapRuns(7, true,
      List.of(new BlockRun(0, 8), new BlockRun(100, 1), new BlockRun(1L << 32, 32)));

  @Test
  void encodesTheGoldenBytes() {
    assertThat(WireEncoder.encode(WireFrame.of(1, 1, DATA_WRITE_MESSAGE))).isEqualTo(DATA_WRITE);
    assertThat(WireEncoder.encode(WireFrame.of(1, 2, REPLICA_STATE_MESSAGE))).isEqualTo(REPLICA_STATE);
    assertThat(WireEncoder.encode(WireFrame.of(1, 1, BITMAP_RUNS_MESSAGE))).isEqualTo(BITMAP_RUNS);
  }

  @Test
  void decodesTheGoldenBytes() {
    assertThat(decodeOne(DATA_WRITE)).isEqualTo(WireFrame.of(1, 1, DATA_WRITE_MESSAGE));
    assertThat(decodeOne(REPLICA_STATE)).isEqualTo(WireFrame.of(1, 2, REPLICA_STATE_MESSAGE));
    assertThat(decodeOne(BITMAP_RUNS)).isEqualTo(WireFrame.of(1, 1, BITMAP_RUNS_MESSAGE));
  }

  @Test
  void encodesEveryOtherBodyAsItsTableSays() {
    Map<WireMessage, String> bodies = new LinkedHashMap<>();
    bodies.put(new DataWrite(-1, 0xffff, DataWrite.OP_PUNCH_HOLE, 0, 512, 0x2000000, -1, null),
        "ffffffffffffffff ffff 01 00 0000000000000200 02000000 ffffffff");
    bodies.put(new WriteAck(5, WriteAck.WRITTEN), "0000000000000005 01");
    bodies.put(new Barrier(9), "0000000000000009");
    bodies.put(new BarrierAck(9, true), "0000000000000009 01");
    bodies.put(new BarrierAck(10, false), "000000000000000a 00");
    bodies.put(new ResyncRequest(6, 2, 8192, 4096), "0000000000000006 0002 0000000000002000 00001000 ff"
        + " 0000000000000000");
    bodies.put(new ResyncRequest(7, 2, 8192, 4096, 3, 0x1234), "0000000000000007 0002 0000000000002000 00001000 03"
        + " 0000000000001234");
    bodies.put(new ResyncReply(6, 2, 8192, 2, ResyncReply.DATA, ascii("hi")),
        "0000000000000006 0002 0000000000002000 00000002 00 6869");
    bodies.put(new ResyncReply(6, 2, 8192, 4096, ResyncReply.ZEROES, null),
        "0000000000000006 0002 0000000000002000 00001000 01");
    bodies.put(new InSync(1, 0, 1L << 40), "0001 0000000000000000 0000010000000000");
    bodies.put(new PeerAck(0x1234, 0b101), "0000000000001234 00000005");
    bodies.put(new ResyncFinished(1, 0x0102030405060708L), "0001 0102030405060708");
    bodies.put(new NewCurrentUuid(0, -2), "0000 fffffffffffffffe 00000000");
    bodies.put(new NewCurrentUuid(3, 5, 0b110), "0003 0000000000000005 00000006");
    bodies.put(new TwoPhase(77, TwoPhase.NO, TwoPhase.PROMOTE, "déjà"),
        "000000000000004d 02 00 0006 64c3a96ac3a0");
    bodies.put(new BitmapRuns(0, true, List.of()), "0000 01 00 00000000");
    bodies.put(new ReplicaState(ReplicaState.ROLE_SECONDARY, List.of()), "00 00 0000 0000000000000000");
    bodies.put(new ReplicaState(ReplicaState.ROLE_SECONDARY, List.of(), 7, 2), "00 03 0000 0000000000000007");

    WireDecoder decoder = established();
    bodies.forEach((message, hex) -> {
      assertThat(message.encodeBody()).as("%s", message).isEqualTo(Bytes.hexBytes(hex));
      byte[] frame = WireEncoder.encodeFrame(1, message.type().code(), 4, 0, Bytes.hexBytes(hex));
      assertThat(decoder.decode(ByteBuffer.wrap(frame)).frame()).isEqualTo(WireFrame.of(1, 4, message));
    });
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 5, 29, 1000})
  void everyMessageRoundTripsInSlicesAndBackToBack(int sliceBytes) {
    List<WireMessage> messages = samples();
    Bytes stream = Bytes.of();
    messages.forEach(message -> stream.append(WireEncoder.encode(WireFrame.of(1, 3, message))));

    List<WireFrame> frames = WireCodecTest.feedInSlices(established(), stream.array(), sliceBytes);

    assertThat(frames).extracting(WireFrame::message).containsExactlyElementsOf(messages);
    assertThat(frames).extracting(frame -> frame.message().type().code())
        .as("every replication type").containsAll(codes(32, 45));
  }

  @Test
  void theLargestWriteRoundTripsInOneByteSlices() {
    byte[] data = new byte[WireProtocol.MAX_PAYLOAD_BYTES];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31 + (i >>> 12));
    }
    ByteBuffer payload = ByteBuffer.wrap(data);
    DataWrite write = new DataWrite(1, 0, DataWrite.OP_WRITE, 0, 1L << 40, data.length, 0b1, payload);

    byte[] frame = WireEncoder.encode(WireFrame.of(1, 0, write));
    assertThat(frame.length - WireProtocol.HEADER_BYTES).isLessThanOrEqualTo(WireProtocol.MAX_BODY_BYTES);
    WireDecoder decoder = established();
    List<WireDecoded> outcomes = new ArrayList<>();
    for (int at = 0; at < frame.length; at++) {
      WireDecoded decoded = decoder.decode(ByteBuffer.wrap(frame, at, 1));
      if (decoded.kind() != WireDecoded.Kind.NEED_MORE_BYTES) {
        outcomes.add(decoded);
      }
    }

    assertThat(outcomes).extracting(WireDecoded::frame).containsExactly(WireFrame.of(1, 0, write));
    assertThat(((DataWrite) outcomes.get(0).frame().message()).payload()).isEqualTo(ByteBuffer.wrap(data));
    assertThat(payload.position()).as("the caller's buffer is not moved").isZero();
  }

  @Test
  void payloadsAreSharedReadOnlyAndNeverMoved() {
    ByteBuffer buffer = ByteBuffer.wrap("xxabcdyy".getBytes(StandardCharsets.US_ASCII));
    buffer.position(2).limit(6);
    DataWrite write = new DataWrite(1, 0, DataWrite.OP_WRITE, 0, 0, 4, 0, buffer);

    byte[] body = write.encodeBody();
    ByteBuffer view = write.payload();
    view.get(new byte[4]);

    assertThat(Arrays.copyOfRange(body, DataWrite.FIXED_BYTES, body.length))
        .isEqualTo("abcd".getBytes(StandardCharsets.US_ASCII));
    assertThat(buffer.position()).isEqualTo(2);
    assertThat(buffer.limit()).isEqualTo(6);
    assertThat(write.payload().remaining()).as("reading a view does not consume the record's").isEqualTo(4);
    assertThat(write).isEqualTo(new DataWrite(1, 0, DataWrite.OP_WRITE, 0, 0, 4, 0, ascii("abcd")));
    assertThat(write.payload().isReadOnly()).isTrue();
    assertThatThrownBy(() -> write.payload().put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);
    assertThat(new ResyncReply(1, 0, 0, 4, ResyncReply.DATA, buffer).payload().isReadOnly()).isTrue();
  }

  @Test
  void aDecodedPayloadKeepsItsBytesWhileTheDecoderGoesOn() {
    WireDecoder decoder = established();
    WireFrame first = decoder.decode(ByteBuffer.wrap(DATA_WRITE)).frame();
    DataWrite other = new DataWrite(43, 3, DataWrite.OP_WRITE, 0, 0, 8, 0, ascii("zzzzzzzz"));
    ByteBuffer input = ByteBuffer.wrap(WireEncoder.encode(WireFrame.of(1, 1, other)));

    assertThat(decoder.decode(input).frame().message()).isEqualTo(other);
    assertThat(first.message()).isEqualTo(DATA_WRITE_MESSAGE);
  }

  @Test
  void bitmapUuidsAreSortedAndUnmodifiable() {
    VolumeState volume = REPLICA_STATE_MESSAGE.volumes().get(0);
    assertThat(volume.bitmapUuids().keySet()).containsExactly(1, 3);
    assertThatThrownBy(() -> volume.bitmapUuids().put(2, 1L)).isInstanceOf(UnsupportedOperationException.class);
    assertThat(volume.has(VolumeState.FLAG_CRASHED_PRIMARY)).isTrue();
    assertThat(volume.has(VolumeState.FLAG_LOST_QUORUM_AS_PRIMARY)).isFalse();
  }

  // ---- BitmapRuns.split ----------------------------------------------------------------------

  @Test
  void splitChunksRunsInOrderAndMarksOnlyTheLast() {
    List<BlockRun> runs = List.of(new BlockRun(0, 1), new BlockRun(1, 1), new BlockRun(5, 2),
        new BlockRun(10, 3), new BlockRun(100, 1));

    List<BitmapRuns> messages = BitmapRuns.split(2, runs, 2);

    assertThat(messages).containsExactly(
        new BitmapRuns(2, false, runs.subList(0, 2)),
        new BitmapRuns(2, false, runs.subList(2, 4)),
        new BitmapRuns(2, true, runs.subList(4, 5)));
    assertThat(BitmapRuns.split(2, runs, 5)).containsExactly(new BitmapRuns(2, true, runs));
  }

  @Test
  void splitOfNoRunsIsOneLastMessage() {
    assertThat(BitmapRuns.split(0, List.of(), 10)).containsExactly(new BitmapRuns(0, true, List.of()));
  }

  @Test
  void splitRefusesBadArguments() {
    assertThatThrownBy(() -> BitmapRuns.split(0, List.of(), 0))
        .hasMessage("maxRunsPerMessage 0 is not within 1.." + BitmapRuns.MAX_RUNS);
    assertThatThrownBy(() -> BitmapRuns.split(0, List.of(), BitmapRuns.MAX_RUNS + 1))
        .isInstanceOf(IllegalArgumentException.class);
    // ordered within each chunk of one, but not across the chunks
    assertThatThrownBy(() -> BitmapRuns.split(0, List.of(new BlockRun(5, 1), new BlockRun(4, 1)), 1))
        .hasMessageContaining("runs must be ascending");
    assertThatThrownBy(() -> BitmapRuns.split(70000, List.of(), 1)).hasMessage("volume 70000 is not within 0..65535");
  }

  @Test
  void theMostRunsFitInOneBody() {
    assertThat(BitmapRuns.FIXED_BYTES + (long) BitmapRuns.MAX_RUNS * BitmapRuns.RUN_BYTES)
        .isLessThanOrEqualTo(WireProtocol.MAX_BODY_BYTES)
        .isGreaterThan(WireProtocol.MAX_BODY_BYTES - BitmapRuns.RUN_BYTES);
  }

  // ---- body errors ---------------------------------------------------------------------------

  @Test
  void fixedBodiesMustBeExactlyLongEnough() {
    assertThat(errorOf(34, "0000000000000005 01 00")).isEqualTo("WRITE_ACK body of 10 bytes, expected 9");
    assertThat(errorOf(35, "00000000000009")).isEqualTo("BARRIER body of 7 bytes, expected 8");
    assertThat(errorOf(36, "0000000000000009")).isEqualTo("BARRIER_ACK body of 8 bytes, expected 9");
    assertThat(errorOf(38, "0000000000000006 0002 0000000000002000 00001000 ff 0000000000000000 00"))
        .isEqualTo("RESYNC_REQUEST body of 32 bytes, expected 31");
    assertThat(errorOf(40, "0001 0000000000000000 00000100000000")).isEqualTo("IN_SYNC body of 17 bytes, expected 18");
    assertThat(errorOf(41, "0001 0102030405060708 09")).isEqualTo("RESYNC_FINISHED body of 11 bytes, expected 10");
    assertThat(errorOf(46, "0000000000000001 000005")).isEqualTo("PEER_ACK body of 11 bytes, expected 12");
    assertThat(errorOf(42, "")).isEqualTo("NEW_CURRENT_UUID body of 0 bytes, expected 14");
  }

  @Test
  void dataWriteErrors() {
    String fields = "000000000000002a 0003";
    assertThat(errorOf(33, fields + " 00 03 0000000000001000 00000008 00000006 6162636465666768 00"))
        .isEqualTo("DATA_WRITE payload of 9 bytes, expected 8");
    assertThat(errorOf(33, fields + " 00 03 0000000000001000 00000008 00000006 61626364656667"))
        .isEqualTo("DATA_WRITE payload of 7 bytes, expected 8");
    assertThat(errorOf(33, fields + " 01 00 0000000000001000 00000008 00000006 6162636465666768"))
        .isEqualTo("DATA_WRITE payload of 8 bytes, expected 0");
    assertThat(errorOf(33, fields + " 03 00 0000000000001000 00000008 00000006"))
        .isEqualTo("DATA_WRITE operation 3 is not within 0..2");
    assertThat(errorOf(33, fields + " 02 07 0000000000001000 00000008 00000006"))
        .isEqualTo("DATA_WRITE flags 0x7 have unknown bits 0x4");
    assertThat(errorOf(33, fields + " 02 00 0000000000001000 00000000 00000006"))
        .isEqualTo("DATA_WRITE length 0 is not within 1..33554432");
    assertThat(errorOf(33, fields + " 02 00 0000000000001000 02000001 00000006"))
        .isEqualTo("DATA_WRITE length 33554433 is not within 1..33554432");
    assertThat(errorOf(33, fields + " 02 00 ffffffffffffffff 00000001 00000006"))
        .isEqualTo("DATA_WRITE offset -1 is negative");
    assertThat(errorOf(33, fields + " 02 00 7fffffffffffffff 00000001 00000006"))
        .isEqualTo("DATA_WRITE offset 9223372036854775807 + length 1 overflows");
    assertThat(errorOf(33, fields + " 02 00 0000000000001000 00000001 000000"))
        .isEqualTo("DATA_WRITE body of 27 bytes, need at least 28");
  }

  @Test
  void replicaStateErrors() {
    String volume0 = "0000 04 05 0000000040000000 a1b2c3d4e5f60718";
    assertThat(errorOf(32, "01 21 0000 0000000000000000"))
        .isEqualTo("REPLICA_STATE primary peer byte 33 names no node (0 for none, 1..32 for node ids 0..31)");
    assertThat(errorOf(32, "02 00 0000 0000000000000000")).isEqualTo("REPLICA_STATE role 2 is not within 0..1");
    assertThat(errorOf(32, "00 00 0000 0000000000000000 00"))
        .isEqualTo("REPLICA_STATE body has 1 trailing byte after the volumes");
    assertThat(errorOf(32, "00 00 0001 0000000000000000 " + volume0 + " 00 00 0000000000000000 0000000000000000 0000"))
        .isEqualTo("REPLICA_STATE body has 2 trailing bytes after the volumes");
    assertThat(errorOf(32, "00 00 0002 0000000000000000 " + volume0 + " 00 00 0000000000000000 0000000000000000"))
        .isEqualTo("REPLICA_STATE body ends inside volume entry 1: 0 bytes left, 38 needed");
    assertThat(errorOf(32, "00 00 0001 0000000000000000 " + volume0 + " 01 01 0000000000000000 0000000000000000 01 3333333333333333"))
        .isEqualTo("REPLICA_STATE body ends inside the bitmap UUIDs and history of volume 0: 9 bytes left, 17 needed");
    assertThat(errorOf(32, "00 00 0001 0000000000000000 " + volume0 + " 00 00 ffffffffffffffff 0000000000000000"))
        .isEqualTo("REPLICA_STATE volume 0 generationWrites -1 is negative");
    assertThat(errorOf(32, "00 00 0001 0000000000000000 " + volume0 + " 21 00 0000000000000000 0000000000000000"))
        .isEqualTo("REPLICA_STATE volume 0 bitmap UUID count 33 exceeds 32");
    assertThat(errorOf(32, "00 00 0001 0000000000000000 " + volume0 + " 00 11 0000000000000000 0000000000000000"))
        .isEqualTo("REPLICA_STATE volume 0 history count 17 exceeds 16");
    assertThat(errorOf(32, "00 00 0001 0000000000000000 " + volume0 + " 02 00 0000000000000000 0000000000000000 03 2222222222222222 01 3333333333333333"))
        .isEqualTo("REPLICA_STATE volume 0 bitmap UUID node ids are not ascending: 1 after 3");
    assertThat(errorOf(32, "00 00 0001 0000000000000000 " + volume0 + " 02 00 0000000000000000 0000000000000000 01 2222222222222222 01 3333333333333333"))
        .isEqualTo("REPLICA_STATE volume 0 bitmap UUID node ids are not ascending: 1 after 1");
    assertThat(errorOf(32, "00 00 0001 0000000000000000 " + volume0 + " 01 00 0000000000000000 0000000000000000 20 2222222222222222"))
        .isEqualTo("REPLICA_STATE volume 0 bitmapUuids node id 32 is not within 0..31");
    assertThat(errorOf(32, "00 00 0001 0000000000000000 0000 04 05 8000000000000000 a1b2c3d4e5f60718 00 00 0000000000000000 0000000000000000"))
        .isEqualTo("REPLICA_STATE volume 0 sizeBytes -9223372036854775808 is negative");
    assertThat(errorOf(32, "00 00 0002 0000000000000000 " + volume0 + " 00 00 0000000000000000 0000000000000000 " + volume0 + " 00 00 0000000000000000 0000000000000000"))
        .isEqualTo("REPLICA_STATE volume 0 appears twice");
  }

  @Test
  void bitmapRunsErrors() {
    assertThat(errorOf(37, "0007 02 00 00000000")).isEqualTo("BITMAP_RUNS last is 2, expected 0 or 1");
    assertThat(errorOf(37, "0007 01 01 00000000")).isEqualTo("BITMAP_RUNS reserved byte 3 is 1, not zero");
    assertThat(errorOf(37, "0007 01 00 00000002 0000000000000000 0000000000000008 0000000000000005 0000000000000001"))
        .isEqualTo("BITMAP_RUNS run 1 from block 5 starts before the end of run 0 at block 8: runs must be "
            + "ascending and must not overlap");
    assertThat(errorOf(37, "0007 01 00 00000002 0000000000000005 0000000000000001 0000000000000000 0000000000000001"))
        .startsWith("BITMAP_RUNS run 1 from block 0 starts before the end of run 0 at block 6");
    assertThat(errorOf(37, "0007 01 00 00000001 0000000000000005 0000000000000000"))
        .isEqualTo("BITMAP_RUNS run 0 count 0 is not at least 1");
    assertThat(errorOf(37, "0007 01 00 00000001 ffffffffffffffff 0000000000000001"))
        .isEqualTo("BITMAP_RUNS run 0 first block -1 is negative");
    assertThat(errorOf(37, "0007 01 00 00000001 7fffffffffffffff 0000000000000001"))
        .isEqualTo("BITMAP_RUNS run 0 first block 9223372036854775807 + count 1 overflows");
    assertThat(errorOf(37, "0007 01 00 00000000 0000000000000005 0000000000000001"))
        .isEqualTo("BITMAP_RUNS runs of 16 bytes, expected 0");
    assertThat(errorOf(37, "0007 01 00 00000001 0000000000000005 0000000000000001 00"))
        .isEqualTo("BITMAP_RUNS runs of 17 bytes, expected 16");
    assertThat(errorOf(37, "0007 01 00 ffffffff"))
        .isEqualTo("BITMAP_RUNS run count 4294967295 exceeds " + BitmapRuns.MAX_RUNS);
    assertThat(errorOf(37, "0007 01 00 0000")).isEqualTo("BITMAP_RUNS body of 6 bytes, need at least 8");
  }

  @Test
  void ackAndResyncErrors() {
    assertThat(errorOf(34, "0000000000000005 03")).isEqualTo("WRITE_ACK kind 3 is not within 0..2");
    assertThat(errorOf(36, "0000000000000009 02")).isEqualTo("BARRIER_ACK ok is 2, expected 0 or 1");
    assertThat(errorOf(38, "0000000000000006 0002 0000000000002000 00000000 ff 0000000000000000"))
        .isEqualTo("RESYNC_REQUEST length 0 is not within 1..33554432");
    assertThat(errorOf(38, "0000000000000006 0002 0000000000002000 00001000 20 0000000000000001"))
        .contains("fenceNode");
    assertThat(errorOf(38, "0000000000000006 0002 8000000000000000 00001000 ff 0000000000000000"))
        .isEqualTo("RESYNC_REQUEST offset -9223372036854775808 is negative");
    String reply = "0000000000000006 0002 0000000000002000 00000004";
    assertThat(errorOf(39, reply + " 03")).isEqualTo("RESYNC_REPLY kind 3 is not within 0..2");
    assertThat(errorOf(39, reply + " 01 00000000")).isEqualTo("RESYNC_REPLY payload of 4 bytes, expected 0");
    assertThat(errorOf(39, reply + " 02 00")).isEqualTo("RESYNC_REPLY payload of 1 bytes, expected 0");
    assertThat(errorOf(39, reply + " 00 000000")).isEqualTo("RESYNC_REPLY payload of 3 bytes, expected 4");
    assertThat(errorOf(39, "0000000000000006 0002 0000000000002000 fe000000 01"))
        .isEqualTo("RESYNC_REPLY length 4261412864 is not within 1..33554432");
    assertThat(errorOf(40, "0001 0000000000000000 0000000000000000")).isEqualTo("IN_SYNC length 0 is not at least 1");
    assertThat(errorOf(46, "0000000000000000 00000001")).isEqualTo("PEER_ACK sequence 0 is not ≥ 1");
    assertThat(errorOf(40, "0001 0000000000000001 7fffffffffffffff"))
        .isEqualTo("IN_SYNC offset 1 + length 9223372036854775807 overflows");
  }

  @Test
  void twoPhaseErrors() {
    assertThat(errorOf(43, "000000000000004d 02 00 0401" + "61".repeat(1025)))
        .isEqualTo("TWO_PHASE text of 1025 bytes exceeds 1024");
    assertThat(errorOf(43, "000000000000004d 02 00 0002 616263")).isEqualTo("TWO_PHASE text of 3 bytes, expected 2");
    assertThat(errorOf(43, "000000000000004d 02 00 0004 616263")).isEqualTo("TWO_PHASE text of 3 bytes, expected 4");
    assertThat(errorOf(43, "000000000000004d 05 00 0000")).isEqualTo("TWO_PHASE step 5 is not within 0..4");
    assertThat(errorOf(43, "000000000000004d 02 00 0001 c3")).isEqualTo("TWO_PHASE text is not valid UTF-8");
    assertThat(errorOf(43, "000000000000004d 02 00 0003 eda080"))
        .as("an encoded surrogate").isEqualTo("TWO_PHASE text is not valid UTF-8");
    assertThat(errorOf(43, "000000000000004d 02 00 00")).isEqualTo("TWO_PHASE body of 11 bytes, need at least 12");
    WireFrame reserved = decodeOne(WireEncoder.encodeFrame(1, 43, 1, 0,
        Bytes.hexBytes("000000000000004d 00 ff 0000")));
    assertThat(reserved.message()).as("a reserved change decodes: the receiver answers NO")
        .isEqualTo(new TwoPhase(77, TwoPhase.PREPARE, 0xff, ""));
  }

  // ---- constructors --------------------------------------------------------------------------

  @Test
  void constructorsRefuseWhatTheWireCannotCarry() {
    assertThatThrownBy(() -> new DataWrite(1, 65536, DataWrite.OP_WRITE, 0, 0, 1, 0, ascii("a")))
        .hasMessage("volume 65536 is not within 0..65535");
    assertThatThrownBy(() -> new DataWrite(1, 0, 3, 0, 0, 1, 0, null)).hasMessage("operation 3 is not within 0..2");
    assertThatThrownBy(() -> new DataWrite(1, 0, DataWrite.OP_PUNCH_HOLE, 8, 0, 1, 0, null))
        .hasMessage("flags 0x8 have unknown bits 0x8");
    assertThatThrownBy(() -> new DataWrite(1, 0, DataWrite.OP_PUNCH_HOLE, 0, -1, 1, 0, null))
        .hasMessage("offset -1 is negative");
    assertThatThrownBy(() -> new DataWrite(1, 0, DataWrite.OP_PUNCH_HOLE, 0, 0, 0, 0, null))
        .hasMessage("length 0 is not within 1..33554432");
    assertThatThrownBy(() -> new DataWrite(1, 0, DataWrite.OP_PUNCH_HOLE, 0, 0, (32 << 20) + 1, 0, null))
        .hasMessage("length 33554433 is not within 1..33554432");
    assertThatThrownBy(() -> new DataWrite(1, 0, DataWrite.OP_WRITE, 0, 0, 2, 0, null))
        .hasMessage("payload missing for operation 0");
    assertThatThrownBy(() -> new DataWrite(1, 0, DataWrite.OP_WRITE, 0, 0, 2, 0, ascii("abc")))
        .hasMessage("payload of 3 bytes, expected the length 2");
    assertThatThrownBy(() -> new DataWrite(1, 0, DataWrite.OP_WRITE_ZEROS, 0, 0, 2, 0, ascii("ab")))
        .hasMessage("payload of 2 bytes for operation 2, which carries none");
    assertThatThrownBy(() -> new ResyncReply(1, 0, 0, 2, ResyncReply.FAILED, ascii("ab")))
        .hasMessage("payload of 2 bytes for kind 2, which carries none");
    assertThatThrownBy(() -> new ResyncReply(1, 0, 0, 2, 3, null)).hasMessage("kind 3 is not within 0..2");
    assertThatThrownBy(() -> new ResyncRequest(1, -1, 0, 2)).hasMessage("volume -1 is not within 0..65535");
    assertThatThrownBy(() -> new ResyncRequest(1, 0, 0, 2, 32, 5)).hasMessageContaining("fenceNode");
    assertThatThrownBy(() -> new ResyncRequest(1, 0, 0, 2, ResyncRequest.NO_FENCE, 5))
        .hasMessageContaining("without a fence node");
    assertThatThrownBy(() -> new WriteAck(1, -1)).hasMessage("kind -1 is not within 0..2");
    assertThatThrownBy(() -> new InSync(0, 0, 0)).hasMessage("length 0 is not at least 1");
    assertThatThrownBy(() -> new ResyncFinished(65536, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new NewCurrentUuid(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TwoPhase(1, 5, 0, "")).hasMessage("step 5 is not within 0..4");
    assertThatThrownBy(() -> new TwoPhase(1, 0, 256, "")).hasMessage("change 256 is not within 0..255");
    assertThatThrownBy(() -> new TwoPhase(1, 0, 0, "é".repeat(513))).hasMessage("text of 1026 bytes exceeds 1024");
    assertThatThrownBy(() -> new TwoPhase(1, 0, 0, "\ud800")).hasMessage("text has an unpaired surrogate");
    assertThatThrownBy(() -> new TwoPhase(1, 0, 0, null)).isInstanceOf(NullPointerException.class);
    assertThat(new TwoPhase(1, 0, 0, "x".repeat(1024)).encodeBody()).hasSize(TwoPhase.FIXED_BYTES + 1024);
  }

  @Test
  void replicaStateConstructorsRefuseWhatTheWireCannotCarry() {
    assertThatThrownBy(() -> new ReplicaState(2, List.of())).hasMessage("role 2 is not within 0..1");
    VolumeState volume = new VolumeState(3, 0, 0, 0, 0, Map.of(), List.of());
    assertThatThrownBy(() -> new ReplicaState(0, List.of(volume, volume))).hasMessage("volume 3 appears twice");
    assertThatThrownBy(() -> new VolumeState(0, 256, 0, 0, 0, Map.of(), List.of()))
        .hasMessage("diskState 256 is not within 0..255");
    assertThatThrownBy(() -> new VolumeState(0, 0, -1, 0, 0, Map.of(), List.of()))
        .hasMessage("flags -1 is not within 0..255");
    assertThatThrownBy(() -> new VolumeState(0, 0, 0, -1, 0, Map.of(), List.of()))
        .hasMessage("sizeBytes -1 is negative");
    assertThatThrownBy(() -> new VolumeState(0, 0, 0, 0, 0, Map.of(32, 1L), List.of()))
        .hasMessage("bitmapUuids node id 32 is not within 0..31");
    assertThatThrownBy(() -> new VolumeState(0, 0, 0, 0, 0, Map.of(), Collections.nCopies(17, 1L)))
        .hasMessage("history of 17 entries exceeds 16");
  }

  @Test
  void bitmapRunsConstructorsRefuseDisorder() {
    assertThatThrownBy(() -> new BlockRun(-1, 1)).hasMessage("first block -1 is negative");
    assertThatThrownBy(() -> new BlockRun(0, 0)).hasMessage("count 0 is not at least 1");
    assertThatThrownBy(() -> new BlockRun(Long.MAX_VALUE, 1)).hasMessageEndingWith("overflows");
    assertThat(new BlockRun(Long.MAX_VALUE - 1, 1).end()).isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(() -> new BitmapRuns(0, true, List.of(new BlockRun(0, 2), new BlockRun(1, 2))))
        .hasMessageStartingWith("run 1 from block 1 starts before the end of run 0 at block 2");
    assertThat(new BitmapRuns(0, true, List.of(new BlockRun(0, 2), new BlockRun(2, 2))).runs())
        .as("adjacent runs do not overlap").hasSize(2);
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** One of every type, and every operation and kind that changes the layout. */
  static List<WireMessage> samples() {
    List<WireMessage> messages = new ArrayList<>(List.of(
        REPLICA_STATE_MESSAGE,
        DATA_WRITE_MESSAGE,
        new DataWrite(43, 0, DataWrite.OP_PUNCH_HOLE, 0, 0, 1 << 20, 1, null),
        new DataWrite(44, 0, DataWrite.OP_WRITE_ZEROS, DataWrite.FLAG_FUA, 1 << 20, 4096, -1, null),
        new WriteAck(42, WriteAck.RECEIVED),
        new WriteAck(42, WriteAck.WRITTEN),
        new WriteAck(43, WriteAck.FAILED),
        new Barrier(1),
        new BarrierAck(1, true),
        BITMAP_RUNS_MESSAGE,
        new ResyncRequest(9, 7, 0, 65536),
        new ResyncReply(9, 7, 0, 3, ResyncReply.DATA, ascii("xyz")),
        new ResyncReply(10, 7, 0, 65536, ResyncReply.ZEROES, null),
        new ResyncReply(11, 7, 0, 65536, ResyncReply.FAILED, null),
        new InSync(7, 65536, 1L << 35),
        new PeerAck(42, 0b111),
        new ResyncFinished(7, 0x1234),
        new NewCurrentUuid(7, 0x5678),
        new TwoPhase(5, TwoPhase.PREPARE, TwoPhase.PROMOTE, ""),
        new TwoPhase(5, TwoPhase.NO, TwoPhase.PROMOTE, "no quorum: 1 of 3 nodes visible"),
        ReplicationChecksumsTest.CHECKSUM_REQUEST_MESSAGE,
        ReplicationChecksumsTest.CHECKSUM_REPLY_MESSAGE,
        new ChecksumReply(8, 7, 0, 4096, ChecksumReply.FAILED, null)));
    messages.add(new Ping(3));
    return messages;
  }

  static WireDecoder established() {
    WireDecoder decoder = new WireDecoder();
    decoder.established(1);
    return decoder;
  }

  static WireFrame decodeOne(byte[] frame) {
    ByteBuffer input = ByteBuffer.wrap(frame);
    WireDecoded decoded = established().decode(input);
    assertThat(decoded.kind()).as("decoded %s", decoded).isEqualTo(WireDecoded.Kind.FRAME);
    assertThat(input.hasRemaining()).isFalse();
    return decoded.frame();
  }

  /** The decoder's error for a frame of {@code typeCode} with this body, after the handshake. */
  static String errorOf(int typeCode, String bodyHex) {
    byte[] frame = WireEncoder.encodeFrame(1, typeCode, 1, 0, Bytes.hexBytes(bodyHex));
    WireDecoded decoded = established().decode(ByteBuffer.wrap(frame));
    assertThat(decoded.kind()).as("decoded %s", decoded).isEqualTo(WireDecoded.Kind.ERROR);
    return decoded.error();
  }

  private static ByteBuffer ascii(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
  }

  /** A map that iterates in descending keys, to show the record sorts them. */
  private static Map<Integer, Long> descending(Map<Integer, Long> entries) {
    Map<Integer, Long> map = new TreeMap<>(Comparator.reverseOrder());
    map.putAll(entries);
    return map;
  }

  private static List<Integer> codes(int first, int last) {
    List<Integer> codes = new ArrayList<>();
    for (int code = first; code <= last; code++) {
      codes.add(code);
    }
    return codes;
  }
}
