package io.tandem.engine.nbd;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Set;

/**
 * One validated request as a session sees it: within the export, allowed by the session's terms,
 * with the flags that apply to the command.
 *
 * @param cookie the client's handle for this request; the server puts it in the reply
 * @param offset the first byte, 0 for FLUSH
 * @param length bytes from {@code offset}: 1 to 32 MiB for READ and WRITE, 1 to 2^32 − 1 for TRIM
 *     and WRITE_ZEROES (a long for that reason), 0 for FLUSH
 * @param payload the data of a WRITE, exactly {@code length} bytes between position and limit,
 *     owned by the session until it completes the request; an empty buffer for other commands
 */
public record NbdRequest(
    long cookie, NbdCommand command, Set<NbdCommandFlag> flags, long offset, long length, ByteBuffer payload) {

  public NbdRequest {
    Objects.requireNonNull(command, "command");
    flags = Set.copyOf(flags);
    Objects.requireNonNull(payload, "payload");
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative offset " + offset + " or length " + length);
    }
    if (command == NbdCommand.WRITE ? payload.remaining() != length : payload.hasRemaining()) {
      throw new IllegalArgumentException(
          command + " of " + length + " bytes with a payload of " + payload.remaining() + " bytes");
    }
  }
}
