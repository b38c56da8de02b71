package io.tandem.engine.nbd;

import java.nio.ByteBuffer;

/**
 * Splits the client's handshake-phase byte stream: first the 32-bit client flags, then options
 * (IHAVEOPT u64, option u32, data length u32, data). Like {@link NbdRequestDecoder} it accepts
 * bytes in slices of any size and buffers at most one option of at most
 * {@link NbdProtocol#MAX_OPTION_DATA_BYTES}. A wrong magic or a longer option is a framing error:
 * the connection is closed.
 */
final class NbdOptionDecoder {

  private enum State { CLIENT_FLAGS, OPTION_HEADER, OPTION_DATA, FAILED }

  private final ByteBuffer clientFlags = ByteBuffer.allocate(4);
  private final ByteBuffer header = ByteBuffer.allocate(NbdProtocol.OPTION_HEADER_BYTES);
  private State state = State.CLIENT_FLAGS;
  private int option;
  private ByteBuffer data;

  /** Decodes the client flags that answer the server's greeting; call once, before any option. */
  NbdDecoded<Integer> decodeClientFlags(ByteBuffer input) {
    if (state != State.CLIENT_FLAGS) {
      throw new IllegalStateException("client flags already decoded (state " + state + ")");
    }
    if (!NbdRequestDecoder.fill(clientFlags, input)) {
      return NbdDecoded.needMoreBytes();
    }
    state = State.OPTION_HEADER;
    return NbdDecoded.message(clientFlags.flip().getInt());
  }

  /** Consumes bytes up to the end of the next option and returns it, or asks for more bytes. */
  NbdDecoded<NbdOption> decodeOption(ByteBuffer input) {
    while (true) {
      switch (state) {
        case OPTION_HEADER:
          if (!NbdRequestDecoder.fill(header, input)) {
            return NbdDecoded.needMoreBytes();
          }
          header.flip();
          long magic = header.getLong();
          option = header.getInt();
          long length = Integer.toUnsignedLong(header.getInt());
          header.clear();
          if (magic != NbdProtocol.IHAVEOPT) {
            state = State.FAILED;
            return NbdDecoded.framingError(String.format("option magic 0x%016x, expected IHAVEOPT", magic));
          }
          if (length > NbdProtocol.MAX_OPTION_DATA_BYTES) {
            state = State.FAILED;
            return NbdDecoded.framingError("option " + Integer.toUnsignedString(option) + " carries "
                + length + " bytes, more than the " + NbdProtocol.MAX_OPTION_DATA_BYTES + " accepted");
          }
          data = ByteBuffer.allocate((int) length);
          state = State.OPTION_DATA;
          break;
        case OPTION_DATA:
          if (!NbdRequestDecoder.fill(data, input)) {
            return NbdDecoded.needMoreBytes();
          }
          NbdOption complete = new NbdOption(option, data.flip().asReadOnlyBuffer());
          data = null;
          state = State.OPTION_HEADER;
          return NbdDecoded.message(complete);
        case CLIENT_FLAGS:
          throw new IllegalStateException("decode the client flags first");
        case FAILED:
        default:
          throw new IllegalStateException("the stream broke its framing; the connection must be closed");
      }
    }
  }
}
