package io.tandem.engine.nbd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Encodes what the server sends. Handshake messages come back as buffers ready to write (position
 * 0); the simple reply header, sent for every request, is written into a buffer the caller owns.
 */
final class NbdEncoder {

  private NbdEncoder() {}

  /** The newstyle greeting: NBDMAGIC, IHAVEOPT, handshake flags FIXED_NEWSTYLE | NO_ZEROES. */
  static ByteBuffer greeting() {
    return ByteBuffer.allocate(NbdProtocol.GREETING_BYTES)
        .putLong(NbdProtocol.NBD_MAGIC)
        .putLong(NbdProtocol.IHAVEOPT)
        .putShort((short) (NbdProtocol.HANDSHAKE_FIXED_NEWSTYLE | NbdProtocol.HANDSHAKE_NO_ZEROES))
        .flip();
  }

  /** An option reply without data (NBD_REP_ACK). */
  static ByteBuffer optionReply(int option, int replyType) {
    return optionReply(option, replyType, ByteBuffer.allocate(0));
  }

  /** An option reply: magic, the option it answers, reply type, data length, data. */
  static ByteBuffer optionReply(int option, int replyType, ByteBuffer data) {
    return ByteBuffer.allocate(NbdProtocol.OPTION_REPLY_HEADER_BYTES + data.remaining())
        .putLong(NbdProtocol.OPTION_REPLY_MAGIC)
        .putInt(option)
        .putInt(replyType)
        .putInt(data.remaining())
        .put(data.duplicate())
        .flip();
  }

  /** An option error reply (NBD_REP_ERR_*) whose data is a message for humans. */
  static ByteBuffer optionError(int option, int errorType, String message) {
    return optionReply(option, errorType, ByteBuffer.wrap(utf8(message)));
  }

  /** NBD_REP_SERVER: name length, name, then the description for humans. */
  static ByteBuffer server(NbdExportInfo export) {
    byte[] name = utf8(export.name());
    byte[] description = utf8(export.description());
    ByteBuffer data = ByteBuffer.allocate(4 + name.length + description.length)
        .putInt(name.length)
        .put(name)
        .put(description)
        .flip();
    return optionReply(NbdProtocol.OPTION_LIST, NbdProtocol.REPLY_SERVER, data);
  }

  /** NBD_REP_INFO of type NBD_INFO_EXPORT: size u64, transmission flags u16. */
  static ByteBuffer infoExport(int option, NbdNegotiatedExport export) {
    ByteBuffer data = ByteBuffer.allocate(2 + 8 + 2)
        .putShort((short) NbdProtocol.INFO_EXPORT)
        .putLong(export.sizeBytes())
        .putShort((short) export.flagBits())
        .flip();
    return optionReply(option, NbdProtocol.REPLY_INFO, data);
  }

  /** NBD_REP_INFO of type NBD_INFO_NAME or NBD_INFO_DESCRIPTION: the string fills the rest. */
  static ByteBuffer infoString(int option, int infoType, String text) {
    byte[] bytes = utf8(text);
    ByteBuffer data = ByteBuffer.allocate(2 + bytes.length).putShort((short) infoType).put(bytes).flip();
    return optionReply(option, NbdProtocol.REPLY_INFO, data);
  }

  /** NBD_REP_INFO of type NBD_INFO_BLOCK_SIZE: minimum, preferred, maximum payload, each u32. */
  static ByteBuffer infoBlockSize(int option) {
    ByteBuffer data = ByteBuffer.allocate(2 + 4 + 4 + 4)
        .putShort((short) NbdProtocol.INFO_BLOCK_SIZE)
        .putInt(NbdProtocol.MINIMUM_BLOCK_BYTES)
        .putInt(NbdProtocol.PREFERRED_BLOCK_BYTES)
        .putInt(NbdProtocol.MAX_PAYLOAD_BYTES)
        .flip();
    return optionReply(option, NbdProtocol.REPLY_INFO, data);
  }

  /**
   * The answer to NBD_OPT_EXPORT_NAME: size u64, transmission flags u16, and 124 zero bytes unless
   * the client flags include NO_ZEROES.
   */
  static ByteBuffer exportNameReply(NbdNegotiatedExport export, int clientFlags) {
    boolean noZeroes = (clientFlags & NbdProtocol.CLIENT_NO_ZEROES) != 0;
    int padding = noZeroes ? 0 : NbdProtocol.EXPORT_NAME_PADDING_BYTES;
    ByteBuffer reply = ByteBuffer.allocate(8 + 2 + padding)
        .putLong(export.sizeBytes())
        .putShort((short) export.flagBits());
    return reply.position(reply.limit()).flip();
  }

  /** Puts a simple reply header (magic, error, cookie) at the destination's position. */
  static void simpleReplyHeader(ByteBuffer destination, long cookie, NbdError error) {
    destination.putInt(NbdProtocol.SIMPLE_REPLY_MAGIC).putInt(error.code()).putLong(cookie);
  }

  private static byte[] utf8(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > NbdProtocol.MAX_STRING_BYTES) {
      throw new IllegalArgumentException("a string of " + bytes.length + " bytes is longer than the "
          + NbdProtocol.MAX_STRING_BYTES + " the protocol allows");
    }
    return bytes;
  }
}
