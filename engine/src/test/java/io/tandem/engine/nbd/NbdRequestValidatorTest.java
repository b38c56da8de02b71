package io.tandem.engine.nbd;

import io.tandem.engine.testing.Bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.engine.nbd.NbdRequestValidator.Verdict;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NbdRequestValidatorTest {

  static final long SIZE = 1 << 20;
  static final int FUA = NbdProtocol.COMMAND_FLAG_FUA;
  static final int NO_HOLE = NbdProtocol.COMMAND_FLAG_NO_HOLE;

  static final NbdNegotiatedExport WRITABLE = terms(EnumSet.of(NbdTransmissionFlag.HAS_FLAGS,
      NbdTransmissionFlag.SEND_FLUSH, NbdTransmissionFlag.SEND_FUA, NbdTransmissionFlag.SEND_TRIM,
      NbdTransmissionFlag.SEND_WRITE_ZEROES));
  static final NbdNegotiatedExport READ_ONLY = terms(EnumSet.of(NbdTransmissionFlag.HAS_FLAGS,
      NbdTransmissionFlag.READ_ONLY, NbdTransmissionFlag.SEND_FLUSH, NbdTransmissionFlag.SEND_FUA));
  static final NbdNegotiatedExport NO_TRIM_NO_ZEROES = terms(EnumSet.of(NbdTransmissionFlag.HAS_FLAGS,
      NbdTransmissionFlag.SEND_FLUSH, NbdTransmissionFlag.SEND_FUA));

  @Test
  void acceptsEveryCommandWithinTheExport() {
    assertAccepted(read(0, 0, 4096), NbdCommand.READ, Set.of());
    assertAccepted(write(FUA, SIZE - 5, 5), NbdCommand.WRITE, Set.of(NbdCommandFlag.FUA));
    assertAccepted(request(NbdProtocol.COMMAND_FLUSH, 0, 0, 0), NbdCommand.FLUSH, Set.of());
    assertAccepted(request(NbdProtocol.COMMAND_TRIM, FUA, 0, SIZE), NbdCommand.TRIM, Set.of(NbdCommandFlag.FUA));
    assertAccepted(request(NbdProtocol.COMMAND_WRITE_ZEROES, FUA | NO_HOLE, 4096, 8192), NbdCommand.WRITE_ZEROES,
        Set.of(NbdCommandFlag.FUA, NbdCommandFlag.NO_HOLE));
  }

  @Test
  void carriesCookieOffsetLengthAndPayload() {
    NbdRequest request = NbdRequestValidator.validate(write(0, 7, 5), WRITABLE).request();

    assertThat(request.cookie()).isEqualTo(99);
    assertThat(request.offset()).isEqualTo(7);
    assertThat(request.length()).isEqualTo(5);
    assertThat(Bytes.remaining(request.payload())).containsExactly('h', 'e', 'l', 'l', 'o');
  }

  @Test
  void rule1UnknownCommandsAreInvalid() {
    for (int type : new int[] {5, 7, 8, 9, 0xffff}) {
      assertRejected(request(type, 0, 0, 512), WRITABLE, NbdError.EINVAL, "unknown command");
    }
  }

  @Test
  void rule2UnknownFlagBitsAreInvalid() {
    // DF (bit 2), REQ_ONE (bit 3) and FAST_ZERO (bit 4) need negotiation this server does not offer.
    for (int flag : new int[] {1 << 2, 1 << 3, 1 << 4, 1 << 15}) {
      assertRejected(read(flag, 0, 512), WRITABLE, NbdError.EINVAL, "unknown flags");
    }
  }

  @Test
  void rule3NoHoleOnlyOnWriteZeroes() {
    assertRejected(write(NO_HOLE, 0, 5), WRITABLE, NbdError.EINVAL, "NO_HOLE");
    assertRejected(read(NO_HOLE, 0, 512), WRITABLE, NbdError.EINVAL, "NO_HOLE");
    assertRejected(request(NbdProtocol.COMMAND_TRIM, NO_HOLE, 0, 512), WRITABLE, NbdError.EINVAL, "NO_HOLE");
    assertRejected(request(NbdProtocol.COMMAND_FLUSH, NO_HOLE, 0, 0), WRITABLE, NbdError.EINVAL, "NO_HOLE");
  }

  @Test
  void rule4NothingChangesDataOnAReadOnlySession() {
    assertRejected(write(0, 0, 5), READ_ONLY, NbdError.EPERM, "read-only");
    assertRejected(request(NbdProtocol.COMMAND_TRIM, 0, 0, 512), READ_ONLY, NbdError.EPERM, "read-only");
    assertRejected(request(NbdProtocol.COMMAND_WRITE_ZEROES, 0, 0, 512), READ_ONLY, NbdError.EPERM, "read-only");
    // Out of range too, but the permission answers first, as proto.md asks for writes on read-only exports.
    assertRejected(write(0, SIZE, 5), READ_ONLY, NbdError.EPERM, "read-only");
    assertAccepted(read(0, 0, 512), READ_ONLY, NbdCommand.READ);
    assertAccepted(request(NbdProtocol.COMMAND_FLUSH, 0, 0, 0), READ_ONLY, NbdCommand.FLUSH);
  }

  @Test
  void rule5TrimAndWriteZeroesOnlyIfOffered() {
    assertRejected(request(NbdProtocol.COMMAND_TRIM, 0, 0, 512), NO_TRIM_NO_ZEROES, NbdError.EINVAL, "not offered");
    assertRejected(request(NbdProtocol.COMMAND_WRITE_ZEROES, 0, 0, 512), NO_TRIM_NO_ZEROES, NbdError.EINVAL,
        "not offered");
  }

  @Test
  void rule6FlushHasNoRange() {
    assertRejected(request(NbdProtocol.COMMAND_FLUSH, 0, 512, 0), WRITABLE, NbdError.EINVAL, "must be 0");
    assertRejected(request(NbdProtocol.COMMAND_FLUSH, 0, 0, 512), WRITABLE, NbdError.EINVAL, "must be 0");
  }

  @Test
  void rule7EmptyRangesAreInvalid() {
    assertRejected(read(0, 0, 0), WRITABLE, NbdError.EINVAL, "length 0");
    assertRejected(write(0, 0, 0), WRITABLE, NbdError.EINVAL, "length 0");
    assertRejected(request(NbdProtocol.COMMAND_TRIM, 0, 0, 0), WRITABLE, NbdError.EINVAL, "length 0");
    assertRejected(request(NbdProtocol.COMMAND_WRITE_ZEROES, 0, 0, 0), WRITABLE, NbdError.EINVAL, "length 0");
    assertRejected(read(0, SIZE, 0), WRITABLE, NbdError.EINVAL, "length 0");
  }

  @Test
  void rule8ReadsAreAtMostThirtyTwoMebibytes() {
    NbdNegotiatedExport large = new NbdNegotiatedExport("big", "", 1L << 40, WRITABLE.flags());

    assertAccepted(read(0, 0, 32 << 20), large, NbdCommand.READ);
    assertRejected(read(0, 0, (32 << 20) + 1), large, NbdError.EINVAL, "exceeds the maximum");
    // Without a payload, TRIM and WRITE_ZEROES may cover up to 4 GiB − 1.
    assertAccepted(request(NbdProtocol.COMMAND_TRIM, 0, 0, 0xffffffffL), large, NbdCommand.TRIM);
    assertAccepted(request(NbdProtocol.COMMAND_WRITE_ZEROES, 0, 0, 0xffffffffL), large, NbdCommand.WRITE_ZEROES);
  }

  @Test
  void rule9RangesStayWithinTheExport() {
    assertAccepted(read(0, SIZE - 1, 1), WRITABLE, NbdCommand.READ);
    assertRejected(read(0, SIZE - 1, 2), WRITABLE, NbdError.EINVAL, "past the end");
    assertRejected(read(0, SIZE, 1), WRITABLE, NbdError.EINVAL, "past the end");
    assertRejected(request(NbdProtocol.COMMAND_TRIM, 0, SIZE - 512, 1024), WRITABLE, NbdError.EINVAL, "past the end");
    // proto.md: a write beyond the end SHOULD be ENOSPC.
    assertRejected(write(0, SIZE - 4, 5), WRITABLE, NbdError.ENOSPC, "past the end");
    assertRejected(request(NbdProtocol.COMMAND_WRITE_ZEROES, 0, SIZE, 512), WRITABLE, NbdError.ENOSPC, "past the end");
  }

  @Test
  void rule9OffsetsThatWouldWrapAroundAreBeyondTheEnd() {
    long[] offsets = {-1L, -512L, Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - 10};
    for (long offset : offsets) {
      assertRejected(read(0, offset, 4096), WRITABLE, NbdError.EINVAL, "past the end");
      assertRejected(write(0, offset, 5), WRITABLE, NbdError.ENOSPC, "past the end");
    }
    NbdNegotiatedExport largest = new NbdNegotiatedExport("largest", "", Long.MAX_VALUE, WRITABLE.flags());
    assertAccepted(read(0, Long.MAX_VALUE - 512, 512), largest, NbdCommand.READ);
    assertRejected(read(0, Long.MAX_VALUE - 511, 512), largest, NbdError.EINVAL, "past the end");
    assertRejected(read(0, -1L, 512), largest, NbdError.EINVAL, "past the end");
  }

  @Test
  void fuaIsAcceptedEverywhereButPassedOnlyWhereDataIsWritten() {
    assertAccepted(read(FUA, 0, 512), NbdCommand.READ, Set.of());
    assertAccepted(request(NbdProtocol.COMMAND_FLUSH, FUA, 0, 0), NbdCommand.FLUSH, Set.of());
    assertAccepted(read(FUA, 0, 512), READ_ONLY, NbdCommand.READ);
  }

  @Test
  void rulesApplyInTheirOrder() {
    // Unknown type beats unknown flags; unknown flags beat NO_HOLE; NO_HOLE beats read-only.
    assertRejected(request(9, 1 << 5, 0, 0), READ_ONLY, NbdError.EINVAL, "unknown command");
    assertRejected(write(NO_HOLE | 1 << 5, 0, 5), READ_ONLY, NbdError.EINVAL, "unknown flags");
    assertRejected(write(NO_HOLE, 0, 5), READ_ONLY, NbdError.EINVAL, "NO_HOLE");
  }

  private static void assertAccepted(NbdWireRequest wire, NbdCommand command, Set<NbdCommandFlag> flags) {
    Verdict verdict = NbdRequestValidator.validate(wire, WRITABLE);
    assertThat(verdict.accepted()).as(verdict.problem()).isTrue();
    assertThat(verdict.request().command()).isEqualTo(command);
    assertThat(verdict.request().flags()).isEqualTo(flags);
  }

  private static void assertAccepted(NbdWireRequest wire, NbdNegotiatedExport terms, NbdCommand command) {
    Verdict verdict = NbdRequestValidator.validate(wire, terms);
    assertThat(verdict.accepted()).as(verdict.problem()).isTrue();
    assertThat(verdict.request().command()).isEqualTo(command);
  }

  private static void assertRejected(NbdWireRequest wire, NbdNegotiatedExport terms, NbdError error, String why) {
    Verdict verdict = NbdRequestValidator.validate(wire, terms);
    assertThat(verdict.accepted()).isFalse();
    assertThat(verdict.error()).isEqualTo(error);
    assertThat(verdict.problem()).contains(why);
  }

  private static NbdWireRequest read(int flags, long offset, long length) {
    return request(NbdProtocol.COMMAND_READ, flags, offset, length);
  }

  private static NbdWireRequest write(int flags, long offset, int length) {
    ByteBuffer payload = ByteBuffer.wrap("hello".getBytes(), 0, length).slice();
    return new NbdWireRequest(flags, NbdProtocol.COMMAND_WRITE, 99, offset, length, payload);
  }

  private static NbdWireRequest request(int type, int flags, long offset, long length) {
    return new NbdWireRequest(flags, type, 99, offset, length, ByteBuffer.allocate(0));
  }

  private static NbdNegotiatedExport terms(Set<NbdTransmissionFlag> flags) {
    return new NbdNegotiatedExport("r0/0", "", SIZE, flags);
  }
}
