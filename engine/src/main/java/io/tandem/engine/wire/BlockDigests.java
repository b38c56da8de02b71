package io.tandem.engine.wire;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The digests a {@link ChecksumRequest} carries: the SHA-256 of each block of {@link
 * ChecksumRequest#BLOCK_BYTES} of a range's data, concatenated in block order.
 */
public final class BlockDigests {

  private BlockDigests() {}

  /**
   * The SHA-256 of each block of the bytes between {@code data}'s position and limit, the last block
   * shorter when they are not a multiple of {@link ChecksumRequest#BLOCK_BYTES}: {@link
   * ChecksumRequest#blocks}{@code (data.remaining())} × {@link ChecksumRequest#DIGEST_BYTES} bytes,
   * none for no data. The buffer's position and limit are not moved.
   *
   * @return a new buffer, its position 0 and its limit at the end of the last digest
   */
  public static ByteBuffer of(ByteBuffer data) {
    MessageDigest sha256 = sha256();
    int length = data.remaining();
    ByteBuffer digests = ByteBuffer.allocate(ChecksumRequest.blocks(length) * ChecksumRequest.DIGEST_BYTES);
    for (int from = 0; from < length; from += ChecksumRequest.BLOCK_BYTES) {
      int size = Math.min(ChecksumRequest.BLOCK_BYTES, length - from);
      sha256.update(data.slice(data.position() + from, size));
      digests.put(sha256.digest());
    }
    return digests.flip();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
