package io.tandem.engine.nbd;

import java.util.Set;

/** Transmission flags (proto.md "Transmission flags"): what the export offers one client. */
enum NbdTransmissionFlag {
  /** NBD_FLAG_HAS_FLAGS: always set. */
  HAS_FLAGS(0),
  /** NBD_FLAG_READ_ONLY. */
  READ_ONLY(1),
  /** NBD_FLAG_SEND_FLUSH. */
  SEND_FLUSH(2),
  /** NBD_FLAG_SEND_FUA. */
  SEND_FUA(3),
  /** NBD_FLAG_SEND_TRIM. */
  SEND_TRIM(5),
  /** NBD_FLAG_SEND_WRITE_ZEROES. */
  SEND_WRITE_ZEROES(6),
  /** NBD_FLAG_CAN_MULTI_CONN. */
  CAN_MULTI_CONNECTION(8);

  private final int bit;

  NbdTransmissionFlag(int bit) {
    this.bit = bit;
  }

  static int bitsOf(Set<NbdTransmissionFlag> flags) {
    int bits = 0;
    for (NbdTransmissionFlag flag : flags) {
      bits |= 1 << flag.bit;
    }
    return bits;
  }
}
