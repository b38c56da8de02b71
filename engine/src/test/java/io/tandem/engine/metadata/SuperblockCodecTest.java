package io.tandem.engine.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class SuperblockCodecTest {

  /** The first 232 bytes of {@link MetadataSamples#golden()}, written by hand from the layout table. */
  private static final String GOLDEN_HEAD = ""
      + "54414e44454d4d44" + "00000001" + "00000000" //   0 magic, version, reserved
      + "0000000000000005" + "0000000040000000"       //  16 sequence, volume size 1 GiB
      + "00000002" + "00000003" + "00000003" + "00001000" // 32 node id, flags, slots, bytes per bit
      + "00000008" + "00400000" + "0000000000002000" //  48 ring blocks, extent size, AL offset 8192
      + "000000000000a000" + "0000000000018000"       //  64 bitmap offset 40960, bitmap 98304 bytes
      + "1122334455667788" + "0000000000000000"       //  80 current UUID, bitmap UUID
      + "aaaaaaaaaaaaaaaa" + "0".repeat(16 * 7)       //  96 history UUIDs
      + "00000001" + "00000001" + "0102030405060708" + "0".repeat(16) // 160 peer slot 0
      + "00000003" + "00000000" + "0".repeat(16) + "0".repeat(16)     // 184 peer slot 1
      + "ffffffff" + "00000000" + "0".repeat(16) + "0".repeat(16);    // 208 peer slot 2 (unassigned)

  /** CRC32C of bytes 0..4091, big-endian (also computed with a separate bitwise implementation). */
  private static final String GOLDEN_CHECKSUM = "410d57ee";

  @Test
  void encodesTheGoldenBytes() {
    byte[] bytes = SuperblockCodec.encode(MetadataSamples.golden());
    assertThat(bytes).hasSize(4096);
    assertThat(HexFormat.of().formatHex(bytes, 0, 232)).isEqualTo(GOLDEN_HEAD);
    assertThat(Arrays.copyOfRange(bytes, 232, 4092)).containsOnly((byte) 0);
    assertThat(HexFormat.of().formatHex(bytes, 4092, 4096)).isEqualTo(GOLDEN_CHECKSUM);
  }

  @Test
  void decodesTheGoldenBytes() throws MetadataFormatException {
    byte[] bytes = new byte[4096];
    byte[] head = HexFormat.of().parseHex(GOLDEN_HEAD);
    System.arraycopy(head, 0, bytes, 0, head.length);
    byte[] checksum = HexFormat.of().parseHex(GOLDEN_CHECKSUM);
    System.arraycopy(checksum, 0, bytes, 4092, 4);
    assertThat(SuperblockCodec.decode(bytes)).isEqualTo(MetadataSamples.golden());
  }

  @Property(tries = 300)
  void roundTrips(@ForAll("superblocks") Superblock superblock) throws MetadataFormatException {
    assertThat(SuperblockCodec.decode(SuperblockCodec.encode(superblock))).isEqualTo(superblock);
  }

  @Property(tries = 300)
  void anySingleFlippedBitIsCaught(@ForAll("superblocks") Superblock superblock,
      @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 4096 * 8 - 1) int bit) {
    byte[] bytes = SuperblockCodec.encode(superblock);
    bytes[bit / 8] ^= (byte) (1 << (bit % 8));
    assertThat(SuperblockCodec.isIntact(bytes)).isFalse();
    assertThatThrownBy(() -> SuperblockCodec.decode(bytes)).isInstanceOf(MetadataFormatException.class);
  }

  @Provide
  Arbitrary<Superblock> superblocks() {
    return MetadataSamples.superblocks();
  }
}
