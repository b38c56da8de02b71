package io.tandem.engine.wire;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Asks a peer which blocks of a range differ from the sender's, by digest instead of by data: the
 * range is split into blocks of {@link #BLOCK_BYTES} (the last one shorter when the length is not a
 * multiple), and the request carries the SHA-256 of each of the sender's blocks ({@link
 * BlockDigests#of}). The peer reads the same range, compares, and answers with a {@link
 * ChecksumReply} carrying the same id.
 *
 * <p>Online verify asks with {@link #VERIFY} and only reports what differs; a resync target asks
 * with {@link #RESYNC} before it requests the data, so only the blocks that differ travel.
 *
 * <p>Like {@link DataWrite}, the record shares the digests' bytes: it keeps a read-only view of the
 * bytes between the buffer's position and limit, which the caller must not change while the record
 * is in use; {@link #digests()} returns a fresh view each time.
 *
 * @param id chosen by the requester, any u64; the reply carries it back
 * @param volume the volume number, 0..65535
 * @param offset the first byte, ≥ 0
 * @param length 1..{@link #MAX_LENGTH} bytes; the end ≤ 2^63 − 1
 * @param purpose {@link #VERIFY} or {@link #RESYNC}
 * @param digests exactly {@link #blocks}{@code (length)} × {@link #DIGEST_BYTES} bytes: block 0's
 *     digest first
 */
public record ChecksumRequest(long id, int volume, long offset, int length, int purpose, ByteBuffer digests)
    implements WireMessage {

  /** Online verify: the peer reports the blocks that differ, nothing is resynced. */
  public static final int VERIFY = 0;
  /** A resync target asks which blocks differ before it asks for their data. */
  public static final int RESYNC = 1;

  /** The range is compared in blocks of 4 KiB; the last one may be shorter. */
  public static final int BLOCK_BYTES = 4096;
  /** A block's digest is its SHA-256: 32 bytes. */
  public static final int DIGEST_BYTES = 32;
  /** The longest range one request compares: 1 MiB, 256 blocks. */
  public static final int MAX_LENGTH = 1 << 20;

  static final int FIXED_BYTES = 23;

  public ChecksumRequest {
    Bodies.requireVolume(volume);
    requireRange(offset, length);
    Bodies.requireWithin(purpose, VERIFY, RESYNC, "purpose");
    Objects.requireNonNull(digests, "digests");
    int blocks = blocks(length);
    digests = Bodies.perBlock(digests, blocks * DIGEST_BYTES, blocks, "digests");
  }

  /** How many blocks of {@link #BLOCK_BYTES} a range of {@code length} bytes has: the last may be short. */
  public static int blocks(int length) {
    if (length < 0) {
      throw new IllegalArgumentException("length " + length + " is negative");
    }
    return length / BLOCK_BYTES + (length % BLOCK_BYTES == 0 ? 0 : 1);
  }

  /** A range the checksum messages compare: offset ≥ 0, length 1..{@link #MAX_LENGTH}, the end within a long. */
  static void requireRange(long offset, int length) {
    Bodies.requireWithin(length, 1, MAX_LENGTH, "length");
    Bodies.requireRange(offset, length);
  }

  /** A read-only view of every block's digest, block 0's first. */
  @Override
  public ByteBuffer digests() {
    return digests.duplicate();
  }

  /** A read-only view of the {@link #DIGEST_BYTES} bytes of block {@code block}'s digest. */
  public ByteBuffer digest(int block) {
    int blocks = blocks(length);
    if (block < 0 || block >= blocks) {
      throw new IndexOutOfBoundsException("block " + block + " is not within 0.." + (blocks - 1));
    }
    return digests.slice(block * DIGEST_BYTES, DIGEST_BYTES);
  }

  @Override
  public MessageType type() {
    return MessageType.CHECKSUM_REQUEST;
  }

  @Override
  public byte[] encodeBody() {
    return ByteBuffer.allocate(FIXED_BYTES + digests.remaining())
        .putLong(id)
        .putShort((short) volume)
        .putLong(offset)
        .putInt(length)
        .put((byte) purpose)
        .put(digests.duplicate())
        .array();
  }

  /** The digests are a view of {@code body}, not a copy. */
  static ChecksumRequest decode(ByteBuffer body) throws WireFormatException {
    Bodies.requireAtLeast(body, FIXED_BYTES, MessageType.CHECKSUM_REQUEST);
    long id = body.getLong();
    int volume = Short.toUnsignedInt(body.getShort());
    long offset = body.getLong();
    long length = Integer.toUnsignedLong(body.getInt());
    int purpose = Byte.toUnsignedInt(body.get());
    Bodies.check(MessageType.CHECKSUM_REQUEST, () -> {
      Bodies.requireWithin(length, 1, MAX_LENGTH, "length");
      Bodies.requireWithin(purpose, VERIFY, RESYNC, "purpose");
    });
    Bodies.requireExactly(body, (long) blocks((int) length) * DIGEST_BYTES, MessageType.CHECKSUM_REQUEST,
        "digests");
    ByteBuffer digests = body.slice();
    return Bodies.construct(MessageType.CHECKSUM_REQUEST,
        () -> new ChecksumRequest(id, volume, offset, (int) length, purpose, digests));
  }
}
