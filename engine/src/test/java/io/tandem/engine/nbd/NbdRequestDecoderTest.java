package io.tandem.engine.nbd;

import io.tandem.engine.testing.Bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NbdRequestDecoderTest {

  /** READ, no flags, cookie 42, offset 4096, length 512. */
  static final byte[] READ = Bytes.of()
      .hex("25609513")            // NBD_REQUEST_MAGIC
      .hex("0000")                // flags
      .hex("0000")                // type READ
      .hex("000000000000002a")    // cookie 42
      .hex("0000000000001000")    // offset 4096
      .hex("00000200")            // length 512
      .array();

  /** WRITE with FUA, cookie 0x0102030405060708, offset 2^40, payload "hello". */
  static final byte[] WRITE = Bytes.of()
      .hex("25609513")
      .hex("0001")                // FUA
      .hex("0001")                // type WRITE
      .hex("0102030405060708")
      .hex("0000010000000000")    // offset 2^40
      .hex("00000005")
      .ascii("hello")
      .array();

  /** TRIM with an offset that has the top bit set (u64 beyond Long.MAX_VALUE) and length 2^32 − 1. */
  static final byte[] TRIM_HUGE = Bytes.of()
      .hex("25609513 0000 0004 0000000000000007 ff00000000000000 ffffffff")
      .array();

  @Test
  void decodesReadAllAtOnceAndLeavesTheRest() {
    ByteBuffer input = ByteBuffer.wrap(Bytes.of().append(READ).hex("99").array());
    NbdDecoded<NbdWireRequest> decoded = new NbdRequestDecoder().decode(input);

    assertThat(decoded.kind()).isEqualTo(NbdDecoded.Kind.MESSAGE);
    NbdWireRequest request = decoded.message();
    assertThat(request.flags()).isZero();
    assertThat(request.type()).isEqualTo(NbdProtocol.COMMAND_READ);
    assertThat(request.cookie()).isEqualTo(42);
    assertThat(request.offset()).isEqualTo(4096);
    assertThat(request.length()).isEqualTo(512);
    assertThat(request.payload().remaining()).isZero();
    assertThat(input.remaining()).as("the byte after the request is left for the next call").isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 7, 13, 27, 28, 29})
  void decodesWriteFedInSlices(int sliceBytes) {
    List<NbdWireRequest> requests = feedInSlices(WRITE, sliceBytes);

    assertThat(requests).hasSize(1);
    NbdWireRequest write = requests.get(0);
    assertThat(write.flags()).isEqualTo(NbdProtocol.COMMAND_FLAG_FUA);
    assertThat(write.type()).isEqualTo(NbdProtocol.COMMAND_WRITE);
    assertThat(write.cookie()).isEqualTo(0x0102030405060708L);
    assertThat(write.offset()).isEqualTo(1L << 40);
    assertThat(write.length()).isEqualTo(5);
    assertThat(Bytes.remaining(write.payload())).containsExactly('h', 'e', 'l', 'l', 'o');
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 7, 64})
  void decodesTwoRequestsBackToBackInOneStream(int sliceBytes) {
    byte[] stream = Bytes.of().append(WRITE).append(READ).array();

    List<NbdWireRequest> requests = feedInSlices(stream, sliceBytes);

    assertThat(requests).extracting(NbdWireRequest::type)
        .containsExactly(NbdProtocol.COMMAND_WRITE, NbdProtocol.COMMAND_READ);
    assertThat(requests.get(1).cookie()).isEqualTo(42);
  }

  @Test
  void decodesTwoRequestsFromOneBuffer() {
    NbdRequestDecoder decoder = new NbdRequestDecoder();
    ByteBuffer input = ByteBuffer.wrap(Bytes.of().append(READ).append(WRITE).array());

    assertThat(decoder.decode(input).message().type()).isEqualTo(NbdProtocol.COMMAND_READ);
    assertThat(decoder.decode(input).message().type()).isEqualTo(NbdProtocol.COMMAND_WRITE);
    assertThat(input.hasRemaining()).isFalse();
    assertThat(decoder.decode(input).kind()).isEqualTo(NbdDecoded.Kind.NEED_MORE_BYTES);
  }

  @Test
  void keepsUnsignedFieldsWhole() {
    NbdWireRequest trim = new NbdRequestDecoder().decode(ByteBuffer.wrap(TRIM_HUGE)).message();

    assertThat(Long.toUnsignedString(trim.offset())).isEqualTo("18374686479671623680");
    assertThat(trim.length()).isEqualTo(0xffffffffL);
  }

  @Test
  void unknownCommandsAndFlagsAreForTheValidator() {
    byte[] unknown = Bytes.hexBytes("25609513 ffff 0009 0000000000000001 0000000000000000 00000010");

    NbdWireRequest request = new NbdRequestDecoder().decode(ByteBuffer.wrap(unknown)).message();

    assertThat(request.flags()).isEqualTo(0xffff);
    assertThat(request.type()).isEqualTo(9);
    assertThat(request.payload().remaining()).as("only WRITE carries a payload").isZero();
  }

  @Test
  void aWrongMagicIsAFramingErrorThatEndsTheDecoder() {
    NbdRequestDecoder decoder = new NbdRequestDecoder();
    byte[] bad = READ.clone();
    bad[0] = 0x26;

    NbdDecoded<NbdWireRequest> decoded = decoder.decode(ByteBuffer.wrap(bad));

    assertThat(decoded.kind()).isEqualTo(NbdDecoded.Kind.FRAMING_ERROR);
    assertThat(decoded.framingError()).contains("0x26609513");
    assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(READ))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aWritePayloadOverThirtyTwoMebibytesIsAFramingError() {
    byte[] header = Bytes.hexBytes("25609513 0000 0001 0000000000000001 0000000000000000 02000001");

    NbdDecoded<NbdWireRequest> decoded = new NbdRequestDecoder().decode(ByteBuffer.wrap(header));

    assertThat(decoded.kind()).isEqualTo(NbdDecoded.Kind.FRAMING_ERROR);
    assertThat(decoded.framingError()).contains("33554433");
  }

  @Test
  void aReadOverThirtyTwoMebibytesIsNotAFramingError() {
    byte[] header = Bytes.hexBytes("25609513 0000 0000 0000000000000001 0000000000000000 02000001");

    assertThat(new NbdRequestDecoder().decode(ByteBuffer.wrap(header)).kind()).isEqualTo(NbdDecoded.Kind.MESSAGE);
  }

  @Test
  void aWriteOfExactlyThirtyTwoMebibytesIsDecoded() {
    byte[] header = Bytes.hexBytes("25609513 0000 0001 0000000000000001 0000000000000000 02000000");
    NbdRequestDecoder decoder = new NbdRequestDecoder();

    assertThat(decoder.decode(ByteBuffer.wrap(header)).kind()).isEqualTo(NbdDecoded.Kind.NEED_MORE_BYTES);
    NbdDecoded<NbdWireRequest> decoded = decoder.decode(ByteBuffer.allocate(32 * 1024 * 1024));
    assertThat(decoded.message().payload().remaining()).isEqualTo(32 * 1024 * 1024);
  }

  @Test
  void aWriteOfLengthZeroHasAnEmptyPayload() {
    byte[] header = Bytes.hexBytes("25609513 0000 0001 0000000000000001 0000000000000000 00000000");

    NbdWireRequest write = new NbdRequestDecoder().decode(ByteBuffer.wrap(header)).message();

    assertThat(write.length()).isZero();
    assertThat(write.payload().remaining()).isZero();
  }

  /** Feeds the stream to one decoder in slices of the given size, collecting every request. */
  static List<NbdWireRequest> feedInSlices(byte[] stream, int sliceBytes) {
    NbdRequestDecoder decoder = new NbdRequestDecoder();
    List<NbdWireRequest> requests = new ArrayList<>();
    for (int start = 0; start < stream.length; start += sliceBytes) {
      ByteBuffer slice = ByteBuffer.wrap(stream, start, Math.min(sliceBytes, stream.length - start)).slice();
      while (true) {
        NbdDecoded<NbdWireRequest> decoded = decoder.decode(slice);
        assertThat(decoded.kind()).isNotEqualTo(NbdDecoded.Kind.FRAMING_ERROR);
        if (decoded.kind() == NbdDecoded.Kind.NEED_MORE_BYTES) {
          assertThat(slice.hasRemaining()).as("asks for more only when the input is used up").isFalse();
          break;
        }
        requests.add(decoded.message());
      }
    }
    return requests;
  }
}
