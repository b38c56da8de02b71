package io.tandem.engine.nbd;

/**
 * The numbers of the NBD protocol this server speaks (proto.md, "Values"). Each constant names the
 * spec's identifier in its comment so the two can be read side by side. All integers on the wire
 * are big-endian.
 */
final class NbdProtocol {

  // Magics
  /** "NBDMAGIC": the first 8 bytes the server sends (INIT_PASSWD). */
  static final long NBD_MAGIC = 0x4e42444d41474943L;
  /** "IHAVEOPT": follows NBDMAGIC in the newstyle greeting and starts every option the client sends. */
  static final long IHAVEOPT = 0x49484156454f5054L;
  /** Starts every option reply (fixed newstyle). */
  static final long OPTION_REPLY_MAGIC = 0x3e889045565a9L;
  /** NBD_REQUEST_MAGIC: starts every transmission request. */
  static final int REQUEST_MAGIC = 0x25609513;
  /** NBD_SIMPLE_REPLY_MAGIC: starts every simple reply. */
  static final int SIMPLE_REPLY_MAGIC = 0x67446698;

  // Handshake flags (server, 16 bits) and client flags (32 bits)
  /** NBD_FLAG_FIXED_NEWSTYLE. */
  static final int HANDSHAKE_FIXED_NEWSTYLE = 1;
  /** NBD_FLAG_NO_ZEROES: the 124 zero bytes after NBD_OPT_EXPORT_NAME may be left out. */
  static final int HANDSHAKE_NO_ZEROES = 1 << 1;
  /** NBD_FLAG_C_FIXED_NEWSTYLE. */
  static final int CLIENT_FIXED_NEWSTYLE = 1;
  /** NBD_FLAG_C_NO_ZEROES. */
  static final int CLIENT_NO_ZEROES = 1 << 1;

  // Options
  /** NBD_OPT_EXPORT_NAME. */
  static final int OPTION_EXPORT_NAME = 1;
  /** NBD_OPT_ABORT. */
  static final int OPTION_ABORT = 2;
  /** NBD_OPT_LIST. */
  static final int OPTION_LIST = 3;
  /** NBD_OPT_STARTTLS: answered with NBD_REP_ERR_UNSUP like every other option not listed here. */
  static final int OPTION_STARTTLS = 5;
  /** NBD_OPT_INFO. */
  static final int OPTION_INFO = 6;
  /** NBD_OPT_GO. */
  static final int OPTION_GO = 7;
  /** NBD_OPT_STRUCTURED_REPLY: not negotiated, so every reply is a simple reply. */
  static final int OPTION_STRUCTURED_REPLY = 8;

  // Option reply types
  /** NBD_REP_ACK. */
  static final int REPLY_ACK = 1;
  /** NBD_REP_SERVER: one export in the answer to NBD_OPT_LIST. */
  static final int REPLY_SERVER = 2;
  /** NBD_REP_INFO: one piece of information in the answer to NBD_OPT_INFO or NBD_OPT_GO. */
  static final int REPLY_INFO = 3;
  private static final int REPLY_ERROR = 1 << 31;
  /** NBD_REP_ERR_UNSUP: the option is unknown to this server. */
  static final int REPLY_ERROR_UNSUPPORTED = REPLY_ERROR | 1;
  /** NBD_REP_ERR_POLICY: the export refused the client. */
  static final int REPLY_ERROR_POLICY = REPLY_ERROR | 2;
  /** NBD_REP_ERR_INVALID: the option's data is malformed. */
  static final int REPLY_ERROR_INVALID = REPLY_ERROR | 3;
  /** NBD_REP_ERR_UNKNOWN: no such export. */
  static final int REPLY_ERROR_UNKNOWN = REPLY_ERROR | 6;

  // Information types in NBD_REP_INFO
  /** NBD_INFO_EXPORT: size and transmission flags; always sent. */
  static final int INFO_EXPORT = 0;
  /** NBD_INFO_NAME: the export's canonical name. */
  static final int INFO_NAME = 1;
  /** NBD_INFO_DESCRIPTION. */
  static final int INFO_DESCRIPTION = 2;
  /** NBD_INFO_BLOCK_SIZE: minimum, preferred and maximum block sizes. */
  static final int INFO_BLOCK_SIZE = 3;

  // Commands
  /** NBD_CMD_READ. */
  static final int COMMAND_READ = 0;
  /** NBD_CMD_WRITE: the only request followed by a payload. */
  static final int COMMAND_WRITE = 1;
  /** NBD_CMD_DISC: soft disconnect; no reply. */
  static final int COMMAND_DISCONNECT = 2;
  /** NBD_CMD_FLUSH. */
  static final int COMMAND_FLUSH = 3;
  /** NBD_CMD_TRIM. */
  static final int COMMAND_TRIM = 4;
  /** NBD_CMD_WRITE_ZEROES. */
  static final int COMMAND_WRITE_ZEROES = 6;

  // Command flags
  /** NBD_CMD_FLAG_FUA. */
  static final int COMMAND_FLAG_FUA = 1;
  /** NBD_CMD_FLAG_NO_HOLE. */
  static final int COMMAND_FLAG_NO_HOLE = 1 << 1;

  // Sizes
  /** Greeting: NBDMAGIC, IHAVEOPT, handshake flags. */
  static final int GREETING_BYTES = 8 + 8 + 2;
  /** Option header: IHAVEOPT, option, data length. */
  static final int OPTION_HEADER_BYTES = 8 + 4 + 4;
  /** Option reply header: magic, option, reply type, data length. */
  static final int OPTION_REPLY_HEADER_BYTES = 8 + 4 + 4 + 4;
  /** Request header: magic, flags, type, cookie, offset, length. */
  static final int REQUEST_HEADER_BYTES = 4 + 2 + 2 + 8 + 8 + 4;
  /** Simple reply header: magic, error, cookie. */
  static final int SIMPLE_REPLY_HEADER_BYTES = 4 + 4 + 8;
  /** The zero padding after the NBD_OPT_EXPORT_NAME reply, unless NO_ZEROES was agreed. */
  static final int EXPORT_NAME_PADDING_BYTES = 124;
  /**
   * The largest READ or WRITE payload: the limit proto.md tells clients to assume when nothing is
   * advertised, and the maximum this server advertises in NBD_INFO_BLOCK_SIZE.
   */
  static final int MAX_PAYLOAD_BYTES = 32 * 1024 * 1024;
  /** Option data beyond this is taken for a broken or hostile client: the connection is closed. */
  static final int MAX_OPTION_DATA_BYTES = 64 * 1024;
  /** proto.md "Conventions": a string MUST be no longer than 4096 bytes. */
  static final int MAX_STRING_BYTES = 4096;
  /** Advertised in NBD_INFO_BLOCK_SIZE: any byte alignment works. */
  static final int MINIMUM_BLOCK_BYTES = 1;
  /** Advertised in NBD_INFO_BLOCK_SIZE: the engine's block size. */
  static final int PREFERRED_BLOCK_BYTES = 4096;

  private NbdProtocol() {}
}
