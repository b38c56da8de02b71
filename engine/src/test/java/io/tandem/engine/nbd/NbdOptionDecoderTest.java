package io.tandem.engine.nbd;

import io.tandem.engine.testing.Bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class NbdOptionDecoderTest {

  static final byte[] CLIENT_FLAGS = Bytes.hexBytes("00000003"); // C_FIXED_NEWSTYLE | C_NO_ZEROES

  /** NBD_OPT_GO for export "r0/0" asking for NBD_INFO_BLOCK_SIZE and NBD_INFO_NAME. */
  static final byte[] GO = Bytes.of()
      .hex("49484156454f5054")    // IHAVEOPT
      .hex("00000007")            // NBD_OPT_GO
      .hex("0000000e")            // 14 bytes of data
      .hex("00000004").ascii("r0/0")
      .hex("0002").hex("0003").hex("0001")
      .array();

  /** NBD_OPT_LIST, no data. */
  static final byte[] LIST = Bytes.hexBytes("49484156454f5054 00000003 00000000");

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 7, 100})
  void decodesClientFlagsThenTwoOptionsFedInSlices(int sliceBytes) {
    byte[] stream = Bytes.of().append(CLIENT_FLAGS).append(GO).append(LIST).array();
    NbdOptionDecoder decoder = new NbdOptionDecoder();
    List<Object> messages = new ArrayList<>();
    boolean flagsDone = false;
    for (int start = 0; start < stream.length; start += sliceBytes) {
      ByteBuffer slice = ByteBuffer.wrap(stream, start, Math.min(sliceBytes, stream.length - start)).slice();
      while (slice.hasRemaining()) {
        NbdDecoded<?> decoded = flagsDone ? decoder.decodeOption(slice) : decoder.decodeClientFlags(slice);
        assertThat(decoded.kind()).isNotEqualTo(NbdDecoded.Kind.FRAMING_ERROR);
        if (decoded.kind() == NbdDecoded.Kind.MESSAGE) {
          messages.add(decoded.message());
          flagsDone = true;
        }
      }
    }

    assertThat(messages).hasSize(3);
    assertThat(messages.get(0)).isEqualTo(3);
    NbdOption go = (NbdOption) messages.get(1);
    assertThat(go.option()).isEqualTo(NbdProtocol.OPTION_GO);
    assertThat(Bytes.remaining(go.data())).containsExactly(Bytes.of()
        .hex("00000004").ascii("r0/0").hex("0002 0003 0001").array());
    NbdOption list = (NbdOption) messages.get(2);
    assertThat(list.option()).isEqualTo(NbdProtocol.OPTION_LIST);
    assertThat(list.data().remaining()).isZero();
  }

  @Test
  void optionsComeOnlyAfterTheClientFlags() {
    assertThatThrownBy(() -> new NbdOptionDecoder().decodeOption(ByteBuffer.wrap(LIST)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aWrongOptionMagicIsAFramingError() {
    NbdOptionDecoder decoder = afterClientFlags();
    byte[] bad = LIST.clone();
    bad[7] = 0x55;

    NbdDecoded<NbdOption> decoded = decoder.decodeOption(ByteBuffer.wrap(bad));

    assertThat(decoded.kind()).isEqualTo(NbdDecoded.Kind.FRAMING_ERROR);
    assertThatThrownBy(() -> decoder.decodeOption(ByteBuffer.wrap(LIST))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void optionDataOverSixtyFourKibibytesIsAFramingError() {
    byte[] header = Bytes.hexBytes("49484156454f5054 00000007 00010001");

    NbdDecoded<NbdOption> decoded = afterClientFlags().decodeOption(ByteBuffer.wrap(header));

    assertThat(decoded.kind()).isEqualTo(NbdDecoded.Kind.FRAMING_ERROR);
    assertThat(decoded.framingError()).contains("65537");
  }

  @Test
  void optionDataOfExactlySixtyFourKibibytesIsDecoded() {
    byte[] option = Bytes.of().hex("49484156454f5054 00000063 00010000").zeroes(65536).array();

    NbdDecoded<NbdOption> decoded = afterClientFlags().decodeOption(ByteBuffer.wrap(option));

    assertThat(decoded.message().option()).isEqualTo(0x63);
    assertThat(decoded.message().data().remaining()).isEqualTo(65536);
  }

  private static NbdOptionDecoder afterClientFlags() {
    NbdOptionDecoder decoder = new NbdOptionDecoder();
    assertThat(decoder.decodeClientFlags(ByteBuffer.wrap(CLIENT_FLAGS)).message()).isEqualTo(3);
    return decoder;
  }
}
