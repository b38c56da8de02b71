package io.tandem.engine.nbd;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The terms one client gets for one export: its size and transmission flags. The server sends them
 * in NBD_INFO_EXPORT (or after NBD_OPT_EXPORT_NAME) and checks every request against them, so the
 * client and the validator always agree.
 */
record NbdNegotiatedExport(String name, String description, long sizeBytes, Set<NbdTransmissionFlag> flags) {

  NbdNegotiatedExport {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("export '" + name + "' has a negative size " + sizeBytes);
    }
    flags = Set.copyOf(flags);
  }

  /** The terms of an attached session. */
  static NbdNegotiatedExport of(NbdExport export, NbdSession session) {
    return of(export, session.readOnly());
  }

  /**
   * What NBD_OPT_INFO reports, without attaching: the terms of a writable session. Whether a session
   * is read-only is only known at attach time, and the reply to NBD_OPT_GO carries the real terms.
   */
  static NbdNegotiatedExport beforeAttach(NbdExport export) {
    return of(export, false);
  }

  private static NbdNegotiatedExport of(NbdExport export, boolean readOnly) {
    Set<NbdTransmissionFlag> flags = EnumSet.of(
        NbdTransmissionFlag.HAS_FLAGS, NbdTransmissionFlag.SEND_FLUSH, NbdTransmissionFlag.SEND_FUA);
    if (readOnly) {
      // As nbdkit does: a read-only client is not offered commands it may not use.
      flags.add(NbdTransmissionFlag.READ_ONLY);
    } else {
      if (export.supportsTrim()) {
        flags.add(NbdTransmissionFlag.SEND_TRIM);
      }
      if (export.supportsWriteZeroes()) {
        flags.add(NbdTransmissionFlag.SEND_WRITE_ZEROES);
      }
    }
    if (export.supportsMultiConnection()) {
      flags.add(NbdTransmissionFlag.CAN_MULTI_CONNECTION);
    }
    return new NbdNegotiatedExport(export.name(), export.description(), export.sizeBytes(), flags);
  }

  boolean has(NbdTransmissionFlag flag) {
    return flags.contains(flag);
  }

  int flagBits() {
    return NbdTransmissionFlag.bitsOf(flags);
  }
}
