package io.tandem.engine.wire;

import static io.tandem.engine.wire.ReplicationMessagesTest.decodeOne;
import static io.tandem.engine.wire.ReplicationMessagesTest.errorOf;
import static io.tandem.engine.wire.ReplicationMessagesTest.established;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.engine.testing.Bytes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The checksum messages (types 44 and 45) and {@link BlockDigests}: golden bytes, round trips, the
 * blocks and bits, and what they refuse.
 */
class ReplicationChecksumsTest {

  /** SHA-256 of 4096 zero bytes. */
  static final String ZERO_BLOCK_DIGEST = "ad7facb2586fc6e966c004d7d1d16b024f5805ff7cb47c7a85dabd8b48892ca7";
  /** SHA-256 of 1904 zero bytes. */
  static final String SHORT_ZERO_BLOCK_DIGEST = "38bec17977e7afa4b18f59af815e5d4985f20b4a095e1c647b7e414b8c4b5d56";

  /**
   * CHECKSUM_REQUEST from node 1 in version 1: id 7, volume 3, 6000 bytes at 1 MiB, to resync; the
   * range is two blocks, the second of 1904 bytes, and both are zeros.
   */
  static final byte[] CHECKSUM_REQUEST = Bytes.of()
      .hex("54445250 0001 002c 01 00").zeroes(10)
      .hex("00000057 918d1dce 8399cbc9")    // body length 87, body CRC32C, header CRC32C
      .hex("0000000000000007")              // id
      .hex("0003")                          // volume
      .hex("0000000000100000")              // offset 1 MiB
      .hex("00001770")                      // length 6000: 2 blocks
      .hex("01")                            // purpose RESYNC
      .hex(ZERO_BLOCK_DIGEST)               // block 0, 4096 bytes
      .hex(SHORT_ZERO_BLOCK_DIGEST)         // block 1, 1904 bytes
      .array();

  static final ChecksumRequest CHECKSUM_REQUEST_MESSAGE = new ChecksumRequest(7, 3, 1 << 20, 6000,
      ChecksumRequest.RESYNC, hex(ZERO_BLOCK_DIGEST + SHORT_ZERO_BLOCK_DIGEST));

  /**
   * CHECKSUM_REPLY from node 2: id 7, volume 3, 40960 bytes at 1 MiB (10 blocks), OK; blocks 1, 8
   * and 9 differ.
   */
  static final byte[] CHECKSUM_REPLY = Bytes.of()
      .hex("54445250 0001 002d 02 00").zeroes(10)
      .hex("00000019 eefca4af 9af1b8a4")    // body length 25
      .hex("0000000000000007")              // the request's id
      .hex("0003")                          // volume
      .hex("0000000000100000")              // offset 1 MiB
      .hex("0000a000")                      // length 40960: 10 blocks
      .hex("00")                            // status OK
      .hex("02")                            // blocks 0..7: block 1
      .hex("03")                            // blocks 8..9: both; bits 2..7 are after the last block
      .array();

  static final ChecksumReply CHECKSUM_REPLY_MESSAGE = ChecksumReply.ok(7, 3, 1 << 20, 40960, bits(1, 8, 9));

  @Test
  void encodesTheGoldenBytes() {
    assertThat(WireEncoder.encode(WireFrame.of(1, 1, CHECKSUM_REQUEST_MESSAGE))).isEqualTo(CHECKSUM_REQUEST);
    assertThat(WireEncoder.encode(WireFrame.of(1, 2, CHECKSUM_REPLY_MESSAGE))).isEqualTo(CHECKSUM_REPLY);
  }

  @Test
  void decodesTheGoldenBytes() {
    assertThat(decodeOne(CHECKSUM_REQUEST)).isEqualTo(WireFrame.of(1, 1, CHECKSUM_REQUEST_MESSAGE));
    assertThat(decodeOne(CHECKSUM_REPLY)).isEqualTo(WireFrame.of(1, 2, CHECKSUM_REPLY_MESSAGE));
  }

  @Test
  void theGoldenDigestsAreThoseOfTheRange() {
    assertThat(BlockDigests.of(ByteBuffer.allocate(6000))).isEqualTo(CHECKSUM_REQUEST_MESSAGE.digests());
    assertThat(CHECKSUM_REQUEST_MESSAGE.digest(0)).isEqualTo(hex(ZERO_BLOCK_DIGEST));
    assertThat(CHECKSUM_REQUEST_MESSAGE.digest(1)).isEqualTo(hex(SHORT_ZERO_BLOCK_DIGEST));
  }

  @Test
  void theGoldenReplyNamesTheBlocksThatDiffer() {
    List<Integer> differing = new ArrayList<>();
    for (int block = 0; block < 10; block++) {
      if (CHECKSUM_REPLY_MESSAGE.differs(block)) {
        differing.add(block);
      }
    }

    assertThat(differing).containsExactly(1, 8, 9);
    assertThat(CHECKSUM_REPLY_MESSAGE.mismatchCount()).isEqualTo(3);
    assertThat(CHECKSUM_REPLY_MESSAGE)
        .isEqualTo(new ChecksumReply(7, 3, 1 << 20, 40960, ChecksumReply.OK, hex("02 03")));
  }

  @Test
  void encodesEveryOtherBodyAsItsTableSays() {
    Map<WireMessage, String> bodies = new LinkedHashMap<>();
    bodies.put(new ChecksumRequest(-1, 0xffff, 0, 1, ChecksumRequest.VERIFY, hex(ZERO_BLOCK_DIGEST)),
        "ffffffffffffffff ffff 0000000000000000 00000001 00 " + ZERO_BLOCK_DIGEST);
    bodies.put(new ChecksumReply(6, 2, 8192, 4096, ChecksumReply.FAILED, null),
        "0000000000000006 0002 0000000000002000 00001000 01");
    bodies.put(ChecksumReply.ok(6, 2, 8192, 4096, new BitSet()),
        "0000000000000006 0002 0000000000002000 00001000 00 00");
    bodies.put(ChecksumReply.ok(6, 2, 8192, 8 * 4096, bits(0, 1, 2, 3, 4, 5, 6, 7)),
        "0000000000000006 0002 0000000000002000 00008000 00 ff");
    bodies.put(ChecksumReply.ok(6, 2, 8192, 8 * 4096 + 1, bits(8)),
        "0000000000000006 0002 0000000000002000 00008001 00 00 01");

    WireDecoder decoder = established();
    bodies.forEach((message, hex) -> {
      assertThat(message.encodeBody()).as("%s", message).isEqualTo(Bytes.hexBytes(hex));
      byte[] frame = WireEncoder.encodeFrame(1, message.type().code(), 4, 0, Bytes.hexBytes(hex));
      assertThat(decoder.decode(ByteBuffer.wrap(frame)).frame()).isEqualTo(WireFrame.of(1, 4, message));
    });
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 5, 23, 1000})
  void everyShapeRoundTripsInSlicesAndBackToBack(int sliceBytes) {
    List<WireMessage> messages = List.of(
        CHECKSUM_REQUEST_MESSAGE,
        new ChecksumRequest(8, 0, 0, 1, ChecksumRequest.VERIFY, BlockDigests.of(ByteBuffer.allocate(1))),
        CHECKSUM_REPLY_MESSAGE,
        ChecksumReply.ok(8, 0, 0, 1, bits(0)),
        new ChecksumReply(9, 0, 0, 1 << 20, ChecksumReply.FAILED, null));
    Bytes stream = Bytes.of();
    messages.forEach(message -> stream.append(WireEncoder.encode(WireFrame.of(1, 3, message))));

    List<WireFrame> frames = WireCodecTest.feedInSlices(established(), stream.array(), sliceBytes);

    assertThat(frames).extracting(WireFrame::message).containsExactlyElementsOf(messages);
  }

  @Test
  void theLargestRangeRoundTripsInOneByteSlices() {
    ByteBuffer data = ByteBuffer.wrap(pattern(ChecksumRequest.MAX_LENGTH));
    ByteBuffer digests = BlockDigests.of(data);
    ChecksumRequest request = new ChecksumRequest(1, 0, 1L << 40, data.remaining(), ChecksumRequest.VERIFY, digests);
    BitSet all = new BitSet();
    all.set(0, 256);
    ChecksumReply reply = ChecksumReply.ok(1, 0, 1L << 40, data.remaining(), all);

    List<WireFrame> frames = new ArrayList<>();
    WireDecoder decoder = established();
    for (WireMessage message : List.of(request, reply)) {
      byte[] frame = WireEncoder.encode(WireFrame.of(1, 0, message));
      for (int at = 0; at < frame.length; at++) {
        WireDecoded decoded = decoder.decode(ByteBuffer.wrap(frame, at, 1));
        assertThat(decoded.kind()).isNotEqualTo(WireDecoded.Kind.ERROR);
        if (decoded.kind() == WireDecoded.Kind.FRAME) {
          frames.add(decoded.frame());
        }
      }
    }

    assertThat(frames).extracting(WireFrame::message).containsExactly(request, reply);
    ChecksumRequest decoded = (ChecksumRequest) frames.get(0).message();
    assertThat(decoded.digests().remaining()).isEqualTo(256 * ChecksumRequest.DIGEST_BYTES);
    assertThat(decoded.digest(255)).isEqualTo(ByteBuffer.wrap(sha256(data.array(), 255 * 4096, 4096)));
    assertThat(((ChecksumReply) frames.get(1).message()).mismatchCount()).isEqualTo(256);
    assertThat(ChecksumRequest.FIXED_BYTES + decoded.digests().remaining())
        .as("the largest request").isEqualTo(8215);
  }

  @Test
  void digestsAndMismatchesAreSharedReadOnlyAndNeverMoved() {
    byte[] padded = new byte[3 + 64 + 5];
    System.arraycopy(Bytes.hexBytes(ZERO_BLOCK_DIGEST + SHORT_ZERO_BLOCK_DIGEST), 0, padded, 3, 64);
    ByteBuffer buffer = ByteBuffer.wrap(padded, 3, 64);
    ChecksumRequest request = new ChecksumRequest(7, 3, 1 << 20, 6000, ChecksumRequest.RESYNC, buffer);

    byte[] body = request.encodeBody();
    request.digests().get(new byte[64]);
    request.digest(1).get(new byte[32]);

    assertThat(Arrays.copyOfRange(body, ChecksumRequest.FIXED_BYTES, body.length))
        .isEqualTo(Bytes.hexBytes(ZERO_BLOCK_DIGEST + SHORT_ZERO_BLOCK_DIGEST));
    assertThat(buffer.position()).isEqualTo(3);
    assertThat(buffer.limit()).isEqualTo(67);
    assertThat(request.digests().remaining()).as("reading a view does not consume the record's").isEqualTo(64);
    assertThat(request).isEqualTo(CHECKSUM_REQUEST_MESSAGE);
    assertThat(request.digests().isReadOnly()).isTrue();
    assertThat(request.digest(0).isReadOnly()).isTrue();
    assertThat(request.digest(1).remaining()).isEqualTo(ChecksumRequest.DIGEST_BYTES);
    assertThatThrownBy(() -> request.digest(0).put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);

    ByteBuffer mismatches = ByteBuffer.wrap(Bytes.hexBytes("ff 02 03 ff"), 1, 2);
    ChecksumReply reply = new ChecksumReply(7, 3, 1 << 20, 40960, ChecksumReply.OK, mismatches);
    reply.mismatches().get();
    assertThat(mismatches.position()).isEqualTo(1);
    assertThat(reply).isEqualTo(CHECKSUM_REPLY_MESSAGE);
    assertThat(reply.mismatches().remaining()).isEqualTo(2);
    assertThat(reply.mismatches().isReadOnly()).isTrue();
    assertThat(new ChecksumReply(7, 3, 0, 1, ChecksumReply.FAILED, null).mismatches()).isNull();
  }

  @Test
  void okDoesNotKeepTheBitSet() {
    BitSet differing = bits(1, 8, 9);
    ChecksumReply reply = ChecksumReply.ok(7, 3, 1 << 20, 40960, differing);
    differing.set(0);

    assertThat(reply.differs(0)).isFalse();
    assertThat(reply).isEqualTo(CHECKSUM_REPLY_MESSAGE);
  }

  @Test
  void aRangeIsCutIntoBlocksOf4096Bytes() {
    assertThat(ChecksumRequest.blocks(0)).isZero();
    assertThat(ChecksumRequest.blocks(1)).isEqualTo(1);
    assertThat(ChecksumRequest.blocks(4096)).isEqualTo(1);
    assertThat(ChecksumRequest.blocks(4097)).isEqualTo(2);
    assertThat(ChecksumRequest.blocks(ChecksumRequest.MAX_LENGTH)).isEqualTo(256);
    assertThat(ChecksumRequest.blocks(Integer.MAX_VALUE)).isEqualTo(524288);
    assertThatThrownBy(() -> ChecksumRequest.blocks(-1)).hasMessage("length -1 is negative");
    assertThat(ChecksumReply.mismatchBytes(1)).isEqualTo(1);
    assertThat(ChecksumReply.mismatchBytes(8 * 4096)).isEqualTo(1);
    assertThat(ChecksumReply.mismatchBytes(8 * 4096 + 1)).isEqualTo(2);
    assertThat(ChecksumReply.mismatchBytes(ChecksumRequest.MAX_LENGTH)).isEqualTo(32);
  }

  @Test
  void blocksOutsideTheRangeAreRefused() {
    assertThatThrownBy(() -> CHECKSUM_REQUEST_MESSAGE.digest(2))
        .isInstanceOf(IndexOutOfBoundsException.class).hasMessage("block 2 is not within 0..1");
    assertThatThrownBy(() -> CHECKSUM_REQUEST_MESSAGE.digest(-1))
        .isInstanceOf(IndexOutOfBoundsException.class).hasMessage("block -1 is not within 0..1");
    assertThatThrownBy(() -> CHECKSUM_REPLY_MESSAGE.differs(10))
        .isInstanceOf(IndexOutOfBoundsException.class).hasMessage("block 10 is not within 0..9");
    assertThatThrownBy(() -> CHECKSUM_REPLY_MESSAGE.differs(-1))
        .isInstanceOf(IndexOutOfBoundsException.class).hasMessage("block -1 is not within 0..9");
    ChecksumReply failed = new ChecksumReply(7, 3, 0, 4096, ChecksumReply.FAILED, null);
    assertThatThrownBy(() -> failed.differs(0))
        .isInstanceOf(IllegalStateException.class).hasMessage("a FAILED reply carries no mismatches");
    assertThatThrownBy(failed::mismatchCount)
        .isInstanceOf(IllegalStateException.class).hasMessage("a FAILED reply carries no mismatches");
  }

  // ---- body errors ---------------------------------------------------------------------------

  @Test
  void checksumRequestErrors() {
    String fields = "0000000000000007 0003 0000000000100000";
    String digest = ZERO_BLOCK_DIGEST;
    assertThat(errorOf(44, fields + " 00001770 01 " + digest))
        .isEqualTo("CHECKSUM_REQUEST digests of 32 bytes, expected 64");
    assertThat(errorOf(44, fields + " 00001770 01 " + digest + digest + digest))
        .isEqualTo("CHECKSUM_REQUEST digests of 96 bytes, expected 64");
    assertThat(errorOf(44, fields + " 00001000 00 " + digest + "00"))
        .isEqualTo("CHECKSUM_REQUEST digests of 33 bytes, expected 32");
    assertThat(errorOf(44, fields + " 00001000 00")).isEqualTo("CHECKSUM_REQUEST digests of 0 bytes, expected 32");
    assertThat(errorOf(44, fields + " 00001000 02 " + digest)).isEqualTo("CHECKSUM_REQUEST purpose 2 is not within 0..1");
    assertThat(errorOf(44, fields + " 00000000 00"))
        .isEqualTo("CHECKSUM_REQUEST length 0 is not within 1..1048576");
    assertThat(errorOf(44, fields + " 00100001 00"))
        .isEqualTo("CHECKSUM_REQUEST length 1048577 is not within 1..1048576");
    assertThat(errorOf(44, fields + " ffffffff 00"))
        .isEqualTo("CHECKSUM_REQUEST length 4294967295 is not within 1..1048576");
    assertThat(errorOf(44, "0000000000000007 0003 ffffffffffffffff 00001000 00 " + digest))
        .isEqualTo("CHECKSUM_REQUEST offset -1 is negative");
    assertThat(errorOf(44, "0000000000000007 0003 7fffffffffffffff 00000001 00 " + digest))
        .isEqualTo("CHECKSUM_REQUEST offset 9223372036854775807 + length 1 overflows");
    assertThat(errorOf(44, fields + " 00001000")).isEqualTo("CHECKSUM_REQUEST body of 22 bytes, need at least 23");
    assertThat(decodeOne(WireEncoder.encodeFrame(1, 44, 1, 0,
            Bytes.hexBytes("0000000000000007 0003 7fffffffffffefff 00001000 00 " + digest))).message())
        .as("a range that ends at 2^63 - 1")
        .isEqualTo(new ChecksumRequest(7, 3, Long.MAX_VALUE - 4096, 4096, ChecksumRequest.VERIFY, hex(digest)));
  }

  @Test
  void checksumReplyErrors() {
    String fields = "0000000000000007 0003 0000000000100000";
    assertThat(errorOf(45, fields + " 0000a000 02")).isEqualTo("CHECKSUM_REPLY status 2 is not within 0..1");
    assertThat(errorOf(45, fields + " 0000a000 01 00")).isEqualTo("CHECKSUM_REPLY mismatches of 1 bytes, expected 0");
    assertThat(errorOf(45, fields + " 0000a000 00 02")).isEqualTo("CHECKSUM_REPLY mismatches of 1 bytes, expected 2");
    assertThat(errorOf(45, fields + " 0000a000 00")).isEqualTo("CHECKSUM_REPLY mismatches of 0 bytes, expected 2");
    assertThat(errorOf(45, fields + " 0000a000 00 020300"))
        .isEqualTo("CHECKSUM_REPLY mismatches of 3 bytes, expected 2");
    assertThat(errorOf(45, fields + " 0000a000 00 0207"))
        .isEqualTo("CHECKSUM_REPLY mismatches bit 10 is set, after the last block 9");
    assertThat(errorOf(45, fields + " 0000a000 00 0283"))
        .isEqualTo("CHECKSUM_REPLY mismatches bit 15 is set, after the last block 9");
    assertThat(errorOf(45, fields + " 00000001 00 02"))
        .isEqualTo("CHECKSUM_REPLY mismatches bit 1 is set, after the last block 0");
    assertThat(errorOf(45, fields + " 00000000 01")).isEqualTo("CHECKSUM_REPLY length 0 is not within 1..1048576");
    assertThat(errorOf(45, fields + " 00100001 01"))
        .isEqualTo("CHECKSUM_REPLY length 1048577 is not within 1..1048576");
    assertThat(errorOf(45, "0000000000000007 0003 8000000000000000 00001000 01"))
        .isEqualTo("CHECKSUM_REPLY offset -9223372036854775808 is negative");
    assertThat(errorOf(45, "0000000000000007 0003 7ffffffffffff001 00001000 01"))
        .isEqualTo("CHECKSUM_REPLY offset 9223372036854771713 + length 4096 overflows");
    assertThat(errorOf(45, fields + " 0000a0")).isEqualTo("CHECKSUM_REPLY body of 21 bytes, need at least 23");
  }

  // ---- constructors --------------------------------------------------------------------------

  @Test
  void checksumRequestConstructorRefusesWhatTheWireCannotCarry() {
    ByteBuffer one = hex(ZERO_BLOCK_DIGEST);
    int verify = ChecksumRequest.VERIFY;
    assertThatThrownBy(() -> new ChecksumRequest(1, 65536, 0, 1, verify, one))
        .hasMessage("volume 65536 is not within 0..65535");
    assertThatThrownBy(() -> new ChecksumRequest(1, -1, 0, 1, verify, one))
        .hasMessage("volume -1 is not within 0..65535");
    assertThatThrownBy(() -> new ChecksumRequest(1, 0, 0, 0, verify, ByteBuffer.allocate(0)))
        .hasMessage("length 0 is not within 1..1048576");
    assertThatThrownBy(() -> new ChecksumRequest(1, 0, 0, (1 << 20) + 1, verify, ByteBuffer.allocate(257 * 32)))
        .hasMessage("length 1048577 is not within 1..1048576");
    assertThatThrownBy(() -> new ChecksumRequest(1, 0, -1, 1, verify, one)).hasMessage("offset -1 is negative");
    assertThatThrownBy(() -> new ChecksumRequest(1, 0, Long.MAX_VALUE - 4095, 4096, verify, one))
        .hasMessage("offset 9223372036854771712 + length 4096 overflows");
    assertThatThrownBy(() -> new ChecksumRequest(1, 0, 0, 1, 2, one)).hasMessage("purpose 2 is not within 0..1");
    assertThatThrownBy(() -> new ChecksumRequest(1, 0, 0, 1, -1, one)).hasMessage("purpose -1 is not within 0..1");
    assertThatThrownBy(() -> new ChecksumRequest(1, 0, 0, 1, verify, null))
        .isInstanceOf(NullPointerException.class).hasMessage("digests");
    assertThatThrownBy(() -> new ChecksumRequest(1, 0, 0, 4096, verify, ByteBuffer.allocate(33)))
        .hasMessage("digests of 33 bytes, expected 32 for 1 block");
    assertThatThrownBy(() -> new ChecksumRequest(1, 0, 0, 4097, verify, one))
        .hasMessage("digests of 32 bytes, expected 64 for 2 blocks");
    assertThat(new ChecksumRequest(1, 0, Long.MAX_VALUE - 4096, 4096, verify, one).offset())
        .isEqualTo(Long.MAX_VALUE - 4096);
  }

  @Test
  void checksumReplyConstructorRefusesWhatTheWireCannotCarry() {
    int ok = ChecksumReply.OK;
    int failed = ChecksumReply.FAILED;
    assertThatThrownBy(() -> new ChecksumReply(1, -1, 0, 1, failed, null)).hasMessage("volume -1 is not within 0..65535");
    assertThatThrownBy(() -> new ChecksumReply(1, 0, 0, 0, failed, null)).hasMessage("length 0 is not within 1..1048576");
    assertThatThrownBy(() -> new ChecksumReply(1, 0, 0, (1 << 20) + 1, failed, null))
        .hasMessage("length 1048577 is not within 1..1048576");
    assertThatThrownBy(() -> new ChecksumReply(1, 0, -1, 1, failed, null)).hasMessage("offset -1 is negative");
    assertThatThrownBy(() -> new ChecksumReply(1, 0, Long.MAX_VALUE, 1, failed, null))
        .hasMessage("offset 9223372036854775807 + length 1 overflows");
    assertThatThrownBy(() -> new ChecksumReply(1, 0, 0, 1, 2, null)).hasMessage("status 2 is not within 0..1");
    assertThatThrownBy(() -> new ChecksumReply(1, 0, 0, 1, failed, hex("00")))
        .hasMessage("mismatches of 1 bytes for status 1, which carries none");
    assertThatThrownBy(() -> new ChecksumReply(1, 0, 0, 1, ok, null)).hasMessage("mismatches missing for status 0");
    assertThatThrownBy(() -> new ChecksumReply(1, 0, 0, 1, ok, hex("00 00")))
        .hasMessage("mismatches of 2 bytes, expected 1 for 1 block");
    assertThatThrownBy(() -> new ChecksumReply(1, 0, 0, 40960, ok, hex("00")))
        .hasMessage("mismatches of 1 bytes, expected 2 for 10 blocks");
    assertThatThrownBy(() -> new ChecksumReply(1, 0, 0, 1, ok, hex("80")))
        .hasMessage("mismatches bit 7 is set, after the last block 0");
    assertThatThrownBy(() -> new ChecksumReply(1, 0, 0, 40960, ok, hex("00 04")))
        .hasMessage("mismatches bit 10 is set, after the last block 9");
    assertThat(new ChecksumReply(1, 0, 0, 8 * 4096, ok, hex("ff")).mismatchCount())
        .as("no bit is after the last of 8 blocks").isEqualTo(8);
  }

  @Test
  void okRefusesBlocksOutsideTheRange() {
    assertThatThrownBy(() -> ChecksumReply.ok(1, 0, 0, 40960, bits(10)))
        .hasMessage("differing block 10 is not within 0..9");
    assertThatThrownBy(() -> ChecksumReply.ok(1, 0, 0, 0, new BitSet()))
        .hasMessage("length 0 is not within 1..1048576");
    assertThatThrownBy(() -> ChecksumReply.ok(1, 0, -1, 1, new BitSet())).hasMessage("offset -1 is negative");
    assertThatThrownBy(() -> ChecksumReply.ok(1, 65536, 0, 1, new BitSet()))
        .hasMessage("volume 65536 is not within 0..65535");
    assertThatThrownBy(() -> ChecksumReply.ok(1, 0, 0, 1, null))
        .isInstanceOf(NullPointerException.class).hasMessage("differing");
  }

  // ---- BlockDigests --------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 4095, 4096, 4097, 8192, 1 << 20})
  void blockDigestsAreTheSha256OfEachBlock(int size) {
    byte[] data = pattern(size);
    ByteBuffer buffer = ByteBuffer.wrap(data);

    ByteBuffer digests = BlockDigests.of(buffer);

    assertThat(Bytes.remaining(digests)).isEqualTo(expectedDigests(data));
    assertThat(digests.position()).isZero();
    assertThat(digests.remaining()).isEqualTo(ChecksumRequest.blocks(size) * ChecksumRequest.DIGEST_BYTES);
    assertThat(buffer.position()).isZero();
    assertThat(buffer.limit()).isEqualTo(size);
  }

  @Test
  void blockDigestsReadOnlyTheBytesBetweenPositionAndLimit() {
    byte[] data = pattern(3 + 4097 + 5);
    byte[] range = Arrays.copyOfRange(data, 3, 3 + 4097);
    ByteBuffer heap = ByteBuffer.wrap(data).position(3).limit(3 + 4097);
    ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).position(3).limit(3 + 4097);

    for (ByteBuffer buffer : List.of(heap, direct, heap.asReadOnlyBuffer())) {
      assertThat(Bytes.remaining(BlockDigests.of(buffer))).as("%s", buffer).isEqualTo(expectedDigests(range));
      assertThat(buffer.position()).isEqualTo(3);
      assertThat(buffer.limit()).isEqualTo(3 + 4097);
    }
  }

  @Test
  void noDataHasNoDigests() {
    assertThat(BlockDigests.of(ByteBuffer.allocate(0)).remaining()).isZero();
    assertThat(BlockDigests.of(ByteBuffer.allocate(10).position(10)).remaining()).isZero();
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** The digests computed here, block by block, from copies of the data. */
  private static byte[] expectedDigests(byte[] data) {
    ByteArrayOutputStream digests = new ByteArrayOutputStream();
    for (int from = 0; from < data.length; from += 4096) {
      digests.writeBytes(sha256(data, from, Math.min(4096, data.length - from)));
    }
    return digests.toByteArray();
  }

  private static byte[] sha256(byte[] data, int from, int length) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(Arrays.copyOfRange(data, from, from + length));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Bytes that differ from block to block and within each. */
  private static byte[] pattern(int size) {
    byte[] data = new byte[size];
    for (int i = 0; i < size; i++) {
      data[i] = (byte) (i * 31 + (i >>> 12));
    }
    return data;
  }

  static BitSet bits(int... blocks) {
    BitSet bits = new BitSet();
    for (int block : blocks) {
      bits.set(block);
    }
    return bits;
  }

  private static ByteBuffer hex(String digits) {
    return ByteBuffer.wrap(Bytes.hexBytes(digits));
  }
}
