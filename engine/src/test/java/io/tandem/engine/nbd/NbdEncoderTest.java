package io.tandem.engine.nbd;

import io.tandem.engine.testing.Bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class NbdEncoderTest {

  static final NbdNegotiatedExport TERMS = new NbdNegotiatedExport("r0/0", "volume 0 of r0", 0x400000,
      EnumSet.of(NbdTransmissionFlag.HAS_FLAGS, NbdTransmissionFlag.SEND_FLUSH, NbdTransmissionFlag.SEND_FUA,
          NbdTransmissionFlag.SEND_TRIM, NbdTransmissionFlag.SEND_WRITE_ZEROES, NbdTransmissionFlag.CAN_MULTI_CONNECTION));

  @Test
  void greeting() {
    assertThat(bytes(NbdEncoder.greeting())).containsExactly(Bytes.of()
        .ascii("NBDMAGIC")
        .ascii("IHAVEOPT")
        .hex("0003")
        .array());
  }

  @Test
  void acknowledgement() {
    assertThat(bytes(NbdEncoder.optionReply(NbdProtocol.OPTION_ABORT, NbdProtocol.REPLY_ACK)))
        .containsExactly(Bytes.hexBytes("0003e889045565a9 00000002 00000001 00000000"));
  }

  @Test
  void errorWithMessage() {
    assertThat(bytes(NbdEncoder.optionError(NbdProtocol.OPTION_GO, NbdProtocol.REPLY_ERROR_UNKNOWN, "no")))
        .containsExactly(Bytes.of().hex("0003e889045565a9 00000007 80000006 00000002").ascii("no").array());
  }

  @Test
  void serverEntryOfAList() {
    assertThat(bytes(NbdEncoder.server(new NbdExportInfo("r0", "disk"))))
        .containsExactly(Bytes.of()
            .hex("0003e889045565a9 00000003 00000002 0000000a")
            .hex("00000002").ascii("r0").ascii("disk")
            .array());
  }

  @Test
  void exportInformation() {
    // flags: HAS_FLAGS 0x1 | SEND_FLUSH 0x4 | SEND_FUA 0x8 | SEND_TRIM 0x20 | SEND_WRITE_ZEROES 0x40
    //        | CAN_MULTI_CONN 0x100 = 0x16d
    assertThat(bytes(NbdEncoder.infoExport(NbdProtocol.OPTION_GO, TERMS)))
        .containsExactly(Bytes.hexBytes("0003e889045565a9 00000007 00000003 0000000c 0000 0000000000400000 016d"));
  }

  @Test
  void nameAndBlockSizeInformation() {
    assertThat(bytes(NbdEncoder.infoString(NbdProtocol.OPTION_INFO, NbdProtocol.INFO_NAME, "r0/0")))
        .containsExactly(Bytes.of().hex("0003e889045565a9 00000006 00000003 00000006 0001").ascii("r0/0").array());
    assertThat(bytes(NbdEncoder.infoBlockSize(NbdProtocol.OPTION_GO)))
        .containsExactly(Bytes.hexBytes(
            "0003e889045565a9 00000007 00000003 0000000e 0003 00000001 00001000 02000000"));
  }

  @Test
  void exportNameReplyWithAndWithoutZeroes() {
    assertThat(bytes(NbdEncoder.exportNameReply(TERMS, NbdProtocol.CLIENT_FIXED_NEWSTYLE)))
        .containsExactly(Bytes.of().hex("0000000000400000 016d").zeroes(124).array());
    assertThat(bytes(NbdEncoder.exportNameReply(TERMS,
        NbdProtocol.CLIENT_FIXED_NEWSTYLE | NbdProtocol.CLIENT_NO_ZEROES)))
        .containsExactly(Bytes.hexBytes("0000000000400000 016d"));
  }

  @Test
  void simpleReplyHeader() {
    ByteBuffer buffer = ByteBuffer.allocate(16);

    NbdEncoder.simpleReplyHeader(buffer, 0x0102030405060708L, NbdError.ENOSPC);

    assertThat(buffer.array()).containsExactly(Bytes.hexBytes("67446698 0000001c 0102030405060708"));
  }

  private static byte[] bytes(ByteBuffer buffer) {
    return Bytes.remaining(buffer);
  }
}
