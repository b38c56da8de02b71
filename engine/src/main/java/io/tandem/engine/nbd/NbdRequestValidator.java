package io.tandem.engine.nbd;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Checks one request against the terms the client was given, before any session sees it (the
 * order of nbdkit's {@code validate_request}: first reject, then dispatch). The rules, in the order
 * they apply, are in the package documentation; the first that fails gives the error reply.
 */
final class NbdRequestValidator {

  private static final int KNOWN_FLAGS = NbdProtocol.COMMAND_FLAG_FUA | NbdProtocol.COMMAND_FLAG_NO_HOLE;

  /** Either the request a session gets, or the error the client gets and why. */
  record Verdict(NbdRequest request, NbdError error, String problem) {

    static Verdict accept(NbdRequest request) {
      return new Verdict(Objects.requireNonNull(request), NbdError.NONE, null);
    }

    static Verdict reject(NbdError error, String problem) {
      return new Verdict(null, error, problem);
    }

    boolean accepted() {
      return request != null;
    }
  }

  private NbdRequestValidator() {}

  /** Validates a request other than NBD_CMD_DISC, which the connection handles itself. */
  static Verdict validate(NbdWireRequest wire, NbdNegotiatedExport export) {
    NbdCommand command = commandOf(wire.type());
    if (command == null) {
      return Verdict.reject(NbdError.EINVAL, "unknown command " + wire.type());
    }
    int unknownFlags = wire.flags() & ~KNOWN_FLAGS;
    if (unknownFlags != 0) {
      return Verdict.reject(NbdError.EINVAL, command + " with unknown flags 0x" + Integer.toHexString(unknownFlags));
    }
    boolean noHole = (wire.flags() & NbdProtocol.COMMAND_FLAG_NO_HOLE) != 0;
    if (noHole && command != NbdCommand.WRITE_ZEROES) {
      return Verdict.reject(NbdError.EINVAL, "NO_HOLE is only valid on WRITE_ZEROES, not on " + command);
    }
    if (writes(command) && export.has(NbdTransmissionFlag.READ_ONLY)) {
      return Verdict.reject(NbdError.EPERM, command + " on a read-only export");
    }
    if (command == NbdCommand.TRIM && !export.has(NbdTransmissionFlag.SEND_TRIM)
        || command == NbdCommand.WRITE_ZEROES && !export.has(NbdTransmissionFlag.SEND_WRITE_ZEROES)) {
      return Verdict.reject(NbdError.EINVAL, command + " was not offered for this export");
    }
    if (command == NbdCommand.FLUSH) {
      if (wire.offset() != 0 || wire.length() != 0) {
        return Verdict.reject(NbdError.EINVAL, "FLUSH with offset " + Long.toUnsignedString(wire.offset())
            + " and length " + wire.length() + "; both must be 0");
      }
    } else {
      Verdict rangeRejected = checkRange(command, wire, export.sizeBytes());
      if (rangeRejected != null) {
        return rangeRejected;
      }
    }
    return Verdict.accept(new NbdRequest(
        wire.cookie(), command, flagsFor(command, wire.flags()), wire.offset(), wire.length(), wire.payload()));
  }

  /** The rejection of a READ, WRITE, TRIM or WRITE_ZEROES whose range is unacceptable, or null. */
  private static Verdict checkRange(NbdCommand command, NbdWireRequest wire, long sizeBytes) {
    if (wire.length() == 0) {
      // nbdkit rejects these too; a session never has to reason about empty ranges.
      return Verdict.reject(NbdError.EINVAL, command + " of length 0");
    }
    if (command == NbdCommand.READ && wire.length() > NbdProtocol.MAX_PAYLOAD_BYTES) {
      // proto.md reserves EOVERFLOW for the DF flag of structured replies; a plain over-long
      // request is EINVAL (WRITE never gets here: its payload limit is a framing error).
      return Verdict.reject(NbdError.EINVAL,
          "READ of " + wire.length() + " bytes exceeds the maximum of " + NbdProtocol.MAX_PAYLOAD_BYTES);
    }
    // offset is a u64 and sizeBytes ≤ Long.MAX_VALUE, so comparing unsigned and then subtracting
    // cannot overflow, whatever the client sent.
    if (Long.compareUnsigned(wire.offset(), sizeBytes) > 0 || wire.length() > sizeBytes - wire.offset()) {
      return Verdict.reject(grows(command) ? NbdError.ENOSPC : NbdError.EINVAL, command + " of "
          + wire.length() + " bytes at offset " + Long.toUnsignedString(wire.offset())
          + " runs past the end of the export (" + sizeBytes + " bytes)");
    }
    return null;
  }

  private static Set<NbdCommandFlag> flagsFor(NbdCommand command, int wireFlags) {
    Set<NbdCommandFlag> flags = EnumSet.noneOf(NbdCommandFlag.class);
    // proto.md: with SEND_FUA offered, FUA must be accepted on every command, "even by ignoring
    // the bit"; it means something only where data is written.
    if ((wireFlags & NbdProtocol.COMMAND_FLAG_FUA) != 0 && writes(command)) {
      flags.add(NbdCommandFlag.FUA);
    }
    if ((wireFlags & NbdProtocol.COMMAND_FLAG_NO_HOLE) != 0) {
      flags.add(NbdCommandFlag.NO_HOLE);
    }
    return flags;
  }

  /** Commands that change data: refused on a read-only export, honour FUA. */
  private static boolean writes(NbdCommand command) {
    return command == NbdCommand.WRITE || command == NbdCommand.TRIM || command == NbdCommand.WRITE_ZEROES;
  }

  /**
   * Commands whose range beyond the end is "no space" (proto.md: "SHOULD return ENOSPC if it
   * receives a write request including one or more sectors beyond the size of the device"; qemu
   * and nbdkit include WRITE_ZEROES). A READ or TRIM there is EINVAL.
   */
  private static boolean grows(NbdCommand command) {
    return command == NbdCommand.WRITE || command == NbdCommand.WRITE_ZEROES;
  }

  /** The command of a wire type, or null for DISC and unknown types. */
  static NbdCommand commandOf(int type) {
    switch (type) {
      case NbdProtocol.COMMAND_READ:
        return NbdCommand.READ;
      case NbdProtocol.COMMAND_WRITE:
        return NbdCommand.WRITE;
      case NbdProtocol.COMMAND_FLUSH:
        return NbdCommand.FLUSH;
      case NbdProtocol.COMMAND_TRIM:
        return NbdCommand.TRIM;
      case NbdProtocol.COMMAND_WRITE_ZEROES:
        return NbdCommand.WRITE_ZEROES;
      default:
        return null;
    }
  }
}
