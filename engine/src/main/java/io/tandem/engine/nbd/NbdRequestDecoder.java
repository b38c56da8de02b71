package io.tandem.engine.nbd;

import java.nio.ByteBuffer;

/**
 * Splits the client's transmission-phase byte stream into requests. Bytes may arrive in slices of
 * any size; the decoder copies what it needs out of the input it is given and keeps the rest of a
 * request across calls. Its buffers are bounded: 28 bytes for a header and, for a WRITE, exactly
 * the payload, at most {@link NbdProtocol#MAX_PAYLOAD_BYTES}.
 *
 * <p>Framing errors — a wrong magic, or a WRITE payload the decoder will not buffer — end the
 * decoder: the stream cannot be followed any more, so the connection is closed. Everything else
 * (unknown command, bad flags, out of range) is for {@link NbdRequestValidator}, which answers
 * with an error reply.
 */
final class NbdRequestDecoder {

  private enum State { HEADER, PAYLOAD, FAILED }

  private static final ByteBuffer NO_PAYLOAD = ByteBuffer.allocate(0).asReadOnlyBuffer();

  private final ByteBuffer header = ByteBuffer.allocate(NbdProtocol.REQUEST_HEADER_BYTES);
  private State state = State.HEADER;
  /** The WRITE whose payload is being read, with {@link #payload} still to fill. */
  private NbdWireRequest pendingWrite;
  private ByteBuffer payload;

  /**
   * Consumes bytes from {@code input} (between its position and limit) up to the end of the next
   * request, and returns that request; or consumes all of them and asks for more.
   */
  NbdDecoded<NbdWireRequest> decode(ByteBuffer input) {
    while (true) {
      switch (state) {
        case HEADER:
          if (!fill(header, input)) {
            return NbdDecoded.needMoreBytes();
          }
          NbdDecoded<NbdWireRequest> decoded = decodeHeader();
          if (decoded != null) {
            return decoded;
          }
          break; // a WRITE: go on with its payload
        case PAYLOAD:
          if (!fill(payload, input)) {
            return NbdDecoded.needMoreBytes();
          }
          payload.flip();
          NbdWireRequest write = pendingWrite;
          NbdWireRequest complete = new NbdWireRequest(
              write.flags(), write.type(), write.cookie(), write.offset(), write.length(), payload);
          pendingWrite = null;
          payload = null;
          state = State.HEADER;
          return NbdDecoded.message(complete);
        case FAILED:
        default:
          throw new IllegalStateException("the stream broke its framing; the connection must be closed");
      }
    }
  }

  /** Returns the request, a framing error, or null when a WRITE payload follows. */
  private NbdDecoded<NbdWireRequest> decodeHeader() {
    header.flip();
    int magic = header.getInt();
    int flags = Short.toUnsignedInt(header.getShort());
    int type = Short.toUnsignedInt(header.getShort());
    long cookie = header.getLong();
    long offset = header.getLong();
    long length = Integer.toUnsignedLong(header.getInt());
    header.clear();
    if (magic != NbdProtocol.REQUEST_MAGIC) {
      state = State.FAILED;
      return NbdDecoded.framingError(String.format("request magic 0x%08x, expected 0x%08x", magic,
          NbdProtocol.REQUEST_MAGIC));
    }
    if (type != NbdProtocol.COMMAND_WRITE) {
      return NbdDecoded.message(new NbdWireRequest(flags, type, cookie, offset, length, NO_PAYLOAD));
    }
    if (length > NbdProtocol.MAX_PAYLOAD_BYTES) {
      // Draining it instead would tie up the connection for up to 4 GiB; nbdkit and qemu also hang up.
      state = State.FAILED;
      return NbdDecoded.framingError("WRITE payload of " + length + " bytes exceeds the maximum of "
          + NbdProtocol.MAX_PAYLOAD_BYTES);
    }
    pendingWrite = new NbdWireRequest(flags, type, cookie, offset, length, NO_PAYLOAD);
    payload = ByteBuffer.allocate((int) length);
    state = State.PAYLOAD;
    return null;
  }

  /** Copies what fits from input into target; true when target is full. */
  static boolean fill(ByteBuffer target, ByteBuffer input) {
    int count = Math.min(target.remaining(), input.remaining());
    target.put(input.slice(input.position(), count));
    input.position(input.position() + count);
    return !target.hasRemaining();
  }
}
