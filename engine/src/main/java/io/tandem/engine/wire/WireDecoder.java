package io.tandem.engine.wire;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Splits one connection's byte stream into frames. Bytes may arrive in slices of any size; the
 * decoder copies what it needs out of the input and keeps the rest of a frame across calls. Its
 * buffers are bounded: 32 bytes for a header and exactly the body, whose length is checked against
 * {@link WireProtocol#MAX_BODY_BYTES} (before the handshake: {@link
 * WireProtocol#MAX_HANDSHAKE_BODY_BYTES}) before anything is allocated. The body of a frame it
 * skips is checksummed as it passes and never buffered. Every body gets an array of its own that the
 * decoder never touches again, so a decoded message may keep a view of it: a {@link DataWrite}'s or
 * {@link ResyncReply}'s payload, a {@link ChecksumRequest}'s digests and a {@link ChecksumReply}'s
 * mismatches are not copied.
 *
 * <p>It starts in the handshake phase, where it accepts only the handshake types with version 0.
 * After {@link #established(int)} it accepts only the other types, with the agreed version; an
 * unknown type is skipped when its frame has {@link WireProtocol#FLAG_MAY_IGNORE}, else an error.
 *
 * <p>Every error ends the decoder: the stream cannot be trusted any more, so the caller closes the
 * connection. Later calls return the same error and consume nothing. No input makes it throw. A
 * wrong magic is reported as soon as its four bytes have arrived.
 */
public final class WireDecoder {

  private enum State { HEADER, BODY, SKIP, FAILED }

  private final ByteBuffer header = ByteBuffer.allocate(WireProtocol.HEADER_BYTES);
  private State state = State.HEADER;
  /** 0 during the handshake, then the agreed version. */
  private int version = WireProtocol.HANDSHAKE_VERSION;

  private int frameVersion;
  private int frameSender;
  private int frameFlags;
  private MessageType frameType;
  private int bodyChecksum;
  private ByteBuffer body;
  private final CRC32C skipped = new CRC32C();
  private int skipRemaining;
  private long skippedFrames;
  private WireDecoded failure;

  /**
   * Consumes bytes from {@code input} (between its position and limit) up to the end of the next
   * frame it returns; or consumes all of them and asks for more; or reports an error.
   */
  public WireDecoded decode(ByteBuffer input) {
    while (true) {
      switch (state) {
        case HEADER -> {
          boolean whole = fill(header, input);
          if (header.position() >= 4 && header.getInt(WireProtocol.OFFSET_MAGIC) != WireProtocol.MAGIC) {
            // as soon as four bytes show it: a stray client (HTTP, NBD) is told apart at once
            return fail(String.format("bad magic 0x%08x, expected 0x%08x",
                header.getInt(WireProtocol.OFFSET_MAGIC), WireProtocol.MAGIC));
          }
          if (!whole) {
            return WireDecoded.needMoreBytes();
          }
          String problem = decodeHeader();
          if (problem != null) {
            return fail(problem);
          }
        }
        case BODY -> {
          if (!fill(body, input)) {
            return WireDecoded.needMoreBytes();
          }
          state = State.HEADER;
          return decodeBody();
        }
        case SKIP -> {
          int count = Math.min(skipRemaining, input.remaining());
          skipped.update(input.slice(input.position(), count));
          input.position(input.position() + count);
          skipRemaining -= count;
          if (skipRemaining > 0) {
            return WireDecoded.needMoreBytes();
          }
          if ((int) skipped.getValue() != bodyChecksum) {
            return fail(checksumMismatch("body", bodyChecksum, (int) skipped.getValue()));
          }
          skippedFrames++;
          state = State.HEADER;
        }
        default -> {
          return failure;
        }
      }
    }
  }

  /**
   * The handshake succeeded in {@code agreedVersion}: from the next frame on, only frames of that
   * version and of non-handshake types are accepted. Called between frames.
   */
  public void established(int agreedVersion) {
    if (version != WireProtocol.HANDSHAKE_VERSION) {
      throw new IllegalStateException("already established in version " + version);
    }
    if (agreedVersion < 1 || agreedVersion > 0xffff) {
      throw new IllegalArgumentException("version " + agreedVersion + " is not within 1..65535");
    }
    if (state == State.BODY || state == State.SKIP || header.position() != 0) {
      throw new IllegalStateException("established in the middle of a frame");
    }
    version = agreedVersion;
  }

  /** How many frames of unknown types were skipped because they could be ignored. */
  public long skippedFrames() {
    return skippedFrames;
  }

  /** Returns null when the header is good and the body state is set up, else the problem. */
  private String decodeHeader() {
    byte[] bytes = header.array();
    header.clear();
    ByteBuffer fields = ByteBuffer.wrap(bytes);
    int stored = fields.getInt(WireProtocol.OFFSET_HEADER_CHECKSUM);
    int computed = WireEncoder.crc32c(bytes, 0, WireProtocol.OFFSET_HEADER_CHECKSUM);
    if (stored != computed) {
      return checksumMismatch("header", stored, computed);
    }
    for (int at = WireProtocol.OFFSET_RESERVED; at < WireProtocol.OFFSET_BODY_LENGTH; at++) {
      if (bytes[at] != 0) {
        return "reserved header byte " + at + " is not zero";
      }
    }
    frameVersion = Short.toUnsignedInt(fields.getShort(WireProtocol.OFFSET_VERSION));
    int typeCode = Short.toUnsignedInt(fields.getShort(WireProtocol.OFFSET_TYPE));
    frameSender = Byte.toUnsignedInt(fields.get(WireProtocol.OFFSET_SENDER));
    frameFlags = Byte.toUnsignedInt(fields.get(WireProtocol.OFFSET_FLAGS));
    long length = Integer.toUnsignedLong(fields.getInt(WireProtocol.OFFSET_BODY_LENGTH));
    bodyChecksum = fields.getInt(WireProtocol.OFFSET_BODY_CHECKSUM);
    if ((frameFlags & ~WireProtocol.KNOWN_FLAGS) != 0) {
      return String.format("unknown frame flags 0x%02x", frameFlags & ~WireProtocol.KNOWN_FLAGS);
    }
    if (frameSender > WireProtocol.MAX_NODE_ID) {
      return "sender node id " + frameSender + " is not within 0.." + WireProtocol.MAX_NODE_ID;
    }
    if (length > WireProtocol.MAX_BODY_BYTES) {
      return "body of " + length + " bytes is too long, the maximum is " + WireProtocol.MAX_BODY_BYTES;
    }
    frameType = MessageType.ofCode(typeCode);
    boolean handshakeType = MessageType.isHandshakeCode(typeCode);
    if (version == WireProtocol.HANDSHAKE_VERSION) {
      if (frameType == null || !handshakeType) {
        return (frameType == null ? "unknown message type " + typeCode : frameType.toString())
            + " during the handshake";
      }
    } else if (handshakeType) {
      return (frameType == null ? "handshake message type " + typeCode : frameType.toString())
          + " after the handshake";
    }
    if (handshakeType) {
      if (frameVersion != WireProtocol.HANDSHAKE_VERSION) {
        return frameType + " frame with version " + frameVersion + ", handshake frames carry "
            + WireProtocol.HANDSHAKE_VERSION;
      }
      if (length > WireProtocol.MAX_HANDSHAKE_BODY_BYTES) {
        return frameType + " body of " + length + " bytes is too long, the maximum is "
            + WireProtocol.MAX_HANDSHAKE_BODY_BYTES;
      }
    } else if (frameVersion != version) {
      return "unknown version " + frameVersion + " in a frame of type " + typeCode
          + ", the connection speaks " + version;
    }
    if (frameType == null) {
      if ((frameFlags & WireProtocol.FLAG_MAY_IGNORE) == 0) {
        return "unknown message type " + typeCode + " without the may-ignore flag";
      }
      skipped.reset();
      skipRemaining = (int) length;
      state = State.SKIP;
      return null;
    }
    body = ByteBuffer.allocate((int) length);
    state = State.BODY;
    return null;
  }

  private WireDecoded decodeBody() {
    byte[] bytes = body.array();
    body = null;
    int computed = WireEncoder.crc32c(bytes, 0, bytes.length);
    if (computed != bodyChecksum) {
      return fail(checksumMismatch("body", bodyChecksum, computed));
    }
    ByteBuffer fields = ByteBuffer.wrap(bytes);
    try {
      WireMessage message = switch (frameType) {
        case HELLO -> Hello.decode(fields);
        case AUTHENTICATE -> Authenticate.decode(fields);
        case WELCOME -> Welcome.decode(fields);
        case REFUSED -> Refused.decode(fields);
        case PING -> Ping.decode(fields);
        case PONG -> Pong.decode(fields);
        case REPLICA_STATE -> ReplicaState.decode(fields);
        case DATA_WRITE -> DataWrite.decode(fields);
        case WRITE_ACK -> WriteAck.decode(fields);
        case BARRIER -> Barrier.decode(fields);
        case BARRIER_ACK -> BarrierAck.decode(fields);
        case BITMAP_RUNS -> BitmapRuns.decode(fields);
        case RESYNC_REQUEST -> ResyncRequest.decode(fields);
        case RESYNC_REPLY -> ResyncReply.decode(fields);
        case IN_SYNC -> InSync.decode(fields);
        case PEER_ACK -> PeerAck.decode(fields);
        case RESYNC_FINISHED -> ResyncFinished.decode(fields);
        case NEW_CURRENT_UUID -> NewCurrentUuid.decode(fields);
        case TWO_PHASE -> TwoPhase.decode(fields);
        case CHECKSUM_REQUEST -> ChecksumRequest.decode(fields);
        case CHECKSUM_REPLY -> ChecksumReply.decode(fields);
      };
      return WireDecoded.frame(new WireFrame(frameVersion, frameSender, frameFlags, message));
    } catch (WireFormatException e) {
      return fail(e.getMessage());
    }
  }

  private WireDecoded fail(String problem) {
    state = State.FAILED;
    body = null;
    failure = WireDecoded.error(problem);
    return failure;
  }

  private static String checksumMismatch(String what, int stored, int computed) {
    return String.format("%s checksum mismatch: stored 0x%08x, computed 0x%08x", what, stored, computed);
  }

  /** Copies what fits from input into target; true when target is full. */
  private static boolean fill(ByteBuffer target, ByteBuffer input) {
    int count = Math.min(target.remaining(), input.remaining());
    target.put(input.slice(input.position(), count));
    input.position(input.position() + count);
    return !target.hasRemaining();
  }
}
