package io.tandem.engine.wire;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Objects;

/**
 * Answers a {@link ChecksumRequest} with the same id, volume and range: which of its blocks differ
 * ({@link #OK}), or that the peer could not read the range ({@link #FAILED}).
 *
 * <p>The mismatches are a bit set over the request's blocks ({@link ChecksumRequest#blocks}): bit
 * {@code i} is bit {@code i % 8} of byte {@code i / 8}, counted from the least significant bit, and
 * a set bit means block {@code i} differs. The bits after the last block are zero. {@link #ok}
 * builds a reply from a {@link BitSet}, whose {@link BitSet#toByteArray()} has the same layout.
 *
 * <p>Like {@link DataWrite}, the record shares the mismatches' bytes: it keeps a read-only view of
 * the bytes between the buffer's position and limit, which the caller must not change while the
 * record is in use; {@link #mismatches()} returns a fresh view each time.
 *
 * @param id the request's id
 * @param volume the volume number, 0..65535
 * @param offset the first byte, ≥ 0
 * @param length 1..{@link ChecksumRequest#MAX_LENGTH} bytes; the end ≤ 2^63 − 1
 * @param status {@link #OK} or {@link #FAILED}
 * @param mismatches for {@link #OK}, exactly {@link #mismatchBytes}{@code (length)} bytes with no bit
 *     set after the last block; null for {@link #FAILED}
 */
public record ChecksumReply(long id, int volume, long offset, int length, int status, ByteBuffer mismatches)
    implements WireMessage {

  /** The peer compared every block; the mismatches say which differ. */
  public static final int OK = 0;
  /** The peer could not read the range; no mismatches. */
  public static final int FAILED = 1;

  static final int FIXED_BYTES = 23;

  public ChecksumReply {
    Bodies.requireVolume(volume);
    ChecksumRequest.requireRange(offset, length);
    Bodies.requireWithin(status, OK, FAILED, "status");
    if (status == FAILED) {
      if (mismatches != null) {
        throw new IllegalArgumentException("mismatches of " + mismatches.remaining() + " bytes for status "
            + status + ", which carries none");
      }
    } else {
      if (mismatches == null) {
        throw new IllegalArgumentException("mismatches missing for status " + status);
      }
      int blocks = ChecksumRequest.blocks(length);
      mismatches = Bodies.perBlock(mismatches, mismatchBytes(length), blocks, "mismatches");
      requireNoBitAfter(mismatches, blocks);
    }
  }

  /**
   * An {@link #OK} reply: block {@code i} differs when {@code differing} has bit {@code i}.
   *
   * @param differing no bit at or after {@link ChecksumRequest#blocks}{@code (length)}; not kept
   */
  public static ChecksumReply ok(long id, int volume, long offset, int length, BitSet differing) {
    Objects.requireNonNull(differing, "differing");
    ChecksumRequest.requireRange(offset, length);
    int blocks = ChecksumRequest.blocks(length);
    if (differing.length() > blocks) {
      throw new IllegalArgumentException("differing block " + (differing.length() - 1)
          + " is not within 0.." + (blocks - 1));
    }
    byte[] mismatches = Arrays.copyOf(differing.toByteArray(), mismatchBytes(length));
    return new ChecksumReply(id, volume, offset, length, OK, ByteBuffer.wrap(mismatches));
  }

  /** The bytes of the mismatches of a range of {@code length} bytes: one bit per block, rounded up. */
  public static int mismatchBytes(int length) {
    int blocks = ChecksumRequest.blocks(length);
    return blocks / 8 + (blocks % 8 == 0 ? 0 : 1);
  }

  /** A read-only view of the mismatches, null when the status carries none. */
  @Override
  public ByteBuffer mismatches() {
    return mismatches == null ? null : mismatches.duplicate();
  }

  /**
   * Whether block {@code block} of the range differs on the peer.
   *
   * @throws IllegalStateException for a {@link #FAILED} reply, which says nothing about the blocks
   */
  public boolean differs(int block) {
    requireOk();
    int blocks = ChecksumRequest.blocks(length);
    if (block < 0 || block >= blocks) {
      throw new IndexOutOfBoundsException("block " + block + " is not within 0.." + (blocks - 1));
    }
    return (mismatches.get(block / 8) & (1 << (block % 8))) != 0;
  }

  /**
   * How many blocks of the range differ on the peer.
   *
   * @throws IllegalStateException for a {@link #FAILED} reply, which says nothing about the blocks
   */
  public int mismatchCount() {
    requireOk();
    int count = 0;
    for (int at = 0; at < mismatches.limit(); at++) {
      count += Integer.bitCount(Byte.toUnsignedInt(mismatches.get(at)));
    }
    return count;
  }

  private void requireOk() {
    if (mismatches == null) {
      throw new IllegalStateException("a FAILED reply carries no mismatches");
    }
  }

  private static void requireNoBitAfter(ByteBuffer mismatches, int blocks) {
    if (blocks % 8 == 0) {
      return;
    }
    int last = Byte.toUnsignedInt(mismatches.get(mismatches.limit() - 1));
    int beyond = last >>> (blocks % 8);
    if (beyond != 0) {
      int bit = (mismatches.limit() - 1) * 8 + blocks % 8 + Integer.numberOfTrailingZeros(beyond);
      throw new IllegalArgumentException("mismatches bit " + bit + " is set, after the last block "
          + (blocks - 1));
    }
  }

  @Override
  public MessageType type() {
    return MessageType.CHECKSUM_REPLY;
  }

  @Override
  public byte[] encodeBody() {
    ByteBuffer body = ByteBuffer.allocate(FIXED_BYTES + (mismatches == null ? 0 : mismatches.remaining()))
        .putLong(id)
        .putShort((short) volume)
        .putLong(offset)
        .putInt(length)
        .put((byte) status);
    if (mismatches != null) {
      body.put(mismatches.duplicate());
    }
    return body.array();
  }

  /** The mismatches are a view of {@code body}, not a copy. */
  static ChecksumReply decode(ByteBuffer body) throws WireFormatException {
    Bodies.requireAtLeast(body, FIXED_BYTES, MessageType.CHECKSUM_REPLY);
    long id = body.getLong();
    int volume = Short.toUnsignedInt(body.getShort());
    long offset = body.getLong();
    long length = Integer.toUnsignedLong(body.getInt());
    int status = Byte.toUnsignedInt(body.get());
    Bodies.check(MessageType.CHECKSUM_REPLY, () -> {
      Bodies.requireWithin(length, 1, ChecksumRequest.MAX_LENGTH, "length");
      Bodies.requireWithin(status, OK, FAILED, "status");
    });
    boolean carried = status == OK;
    Bodies.requireExactly(body, carried ? mismatchBytes((int) length) : 0, MessageType.CHECKSUM_REPLY,
        "mismatches");
    ByteBuffer mismatches = carried ? body.slice() : null;
    return Bodies.construct(MessageType.CHECKSUM_REPLY,
        () -> new ChecksumReply(id, volume, offset, (int) length, status, mismatches));
  }
}
