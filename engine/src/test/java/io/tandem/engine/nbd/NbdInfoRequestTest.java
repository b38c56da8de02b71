package io.tandem.engine.nbd;

import io.tandem.engine.testing.Bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class NbdInfoRequestTest {

  @Test
  void parsesNameAndInformationTypes() throws Exception {
    byte[] data = Bytes.of().hex("00000004").ascii("r0/0").hex("0004 0000 0001 0002 0003").array();

    NbdInfoRequest request = NbdInfoRequest.parse(ByteBuffer.wrap(data));

    assertThat(request.exportName()).isEqualTo("r0/0");
    assertThat(request.infoTypes()).containsExactly(0, 1, 2, 3);
  }

  @Test
  void parsesTheDefaultExportWithoutInformationRequests() throws Exception {
    NbdInfoRequest request = NbdInfoRequest.parse(ByteBuffer.wrap(Bytes.hexBytes("00000000 0000")));

    assertThat(request.exportName()).isEmpty();
    assertThat(request.infoTypes()).isEmpty();
  }

  @Test
  void keepsUnknownInformationTypes() throws Exception {
    NbdInfoRequest request = NbdInfoRequest.parse(ByteBuffer.wrap(Bytes.hexBytes("00000000 0001 ffff")));

    assertThat(request.infoTypes()).containsExactly(0xffff);
  }

  @Test
  void refusesMalformedData() {
    assertInvalid(Bytes.hexBytes("000000"), "shorter than");
    assertInvalid(Bytes.of().hex("00000005").ascii("r0/0").hex("0000").array(), "runs past");
    assertInvalid(Bytes.of().hex("ffffffff").ascii("r0/0").hex("0000").array(), "runs past");
    assertInvalid(Bytes.of().hex("00000004").ascii("r0/0").hex("0002 0001").array(), "2 information requests");
    assertInvalid(Bytes.of().hex("00000004").ascii("r0/0").hex("0000 00").array(), "0 information requests");
    assertInvalid(Bytes.hexBytes("00000002 c328 0000"), "not valid UTF-8");
    assertInvalid(Bytes.hexBytes("00000002 6100 0000"), "NUL");
  }

  @Test
  void exportNamesAreAtMost4096Bytes() throws Exception {
    assertThat(NbdInfoRequest.exportName(ByteBuffer.wrap("a".repeat(4096).getBytes()))).hasSize(4096);
    assertThatThrownBy(() -> NbdInfoRequest.exportName(ByteBuffer.wrap("a".repeat(4097).getBytes())))
        .isInstanceOf(NbdInvalidOptionException.class)
        .hasMessageContaining("4097");
  }

  @Test
  void decodesUtf8Names() throws Exception {
    assertThat(NbdInfoRequest.exportName(ByteBuffer.wrap(Bytes.hexBytes("c3a9 74c3a9")))).isEqualTo("été");
  }

  private static void assertInvalid(byte[] data, String messagePart) {
    assertThatThrownBy(() -> NbdInfoRequest.parse(ByteBuffer.wrap(data)))
        .isInstanceOf(NbdInvalidOptionException.class)
        .hasMessageContaining(messagePart);
  }
}
