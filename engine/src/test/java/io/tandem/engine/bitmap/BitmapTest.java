package io.tandem.engine.bitmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.engine.metadata.MetadataLayout;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class BitmapTest {

  private static final MetadataLayout LAYOUT = new MetadataLayout(64L << 20, 3, 4); // 16384 blocks, 3 slots

  @Test
  void setAndClearRangesAcrossWordBoundaries() {
    Bitmap bitmap = Bitmap.empty(LAYOUT);
    bitmap.set(1, 60, 130);
    assertThat(bitmap.count(1)).isEqualTo(71);
    assertThat(bitmap.count(0)).isZero();
    assertThat(bitmap.get(1, 59)).isFalse();
    assertThat(bitmap.get(1, 60)).isTrue();
    assertThat(bitmap.get(1, 130)).isTrue();
    assertThat(bitmap.nextSetBit(1, 0)).isEqualTo(60);
    assertThat(bitmap.nextSetBit(1, 131)).isEqualTo(-1);
    bitmap.clear(1, 64, 127);
    assertThat(bitmap.count(1)).isEqualTo(7);
    assertThat(bitmap.count(1, 0, 63)).isEqualTo(4);
  }

  @Test
  void pagesRoundTripThroughTheOnDiskEncoding() {
    Bitmap bitmap = Bitmap.empty(LAYOUT);
    bitmap.set(2, 5000, 9000);
    bitmap.set(0, 16383, 16383);
    ByteBuffer region = ByteBuffer.allocate((int) LAYOUT.bitmapBytes());
    for (int page = 0; page < bitmap.pageCount(); page++) {
      region.put(bitmap.takePage(page));
    }
    assertThat(bitmap.dirtyPages()).isEmpty();
    Bitmap decoded = Bitmap.decode(LAYOUT, region.flip());
    assertThat(decoded.count(2)).isEqualTo(4001);
    assertThat(decoded.get(0, 16383)).isTrue();
  }

  @Test
  void wordsAreInterleavedBySlotAndLittleEndian() {
    Bitmap bitmap = Bitmap.empty(LAYOUT);
    bitmap.set(1, 64, 64); // word 1 of slot 1 = element 1 × 3 + 1 = 4, bit 0
    byte[] page = bitmap.takePage(0);
    assertThat(page[4 * 8]).isEqualTo((byte) 1);
  }

  @Test
  void anExtentsBitsForAllSlotsLieInAtMostTwoPagesAndChangesMarkThemDirty() {
    Bitmap bitmap = Bitmap.empty(new MetadataLayout(1L << 30, 31, 4));
    for (long extent = 0; extent < 256; extent++) {
      assertThat(bitmap.pagesOfExtent(extent)).hasSizeBetween(1, 2);
    }
    bitmap.set(30, 1024 * 5, 1024 * 5 + 3);
    assertThat(bitmap.dirtyPages()).isNotEmpty();
    assertThat(bitmap.pagesOfExtent(5)).containsAll(bitmap.dirtyPages());
  }

  @Test
  void refusesBitsBeyondTheVolumeWhenDecoding() {
    MetadataLayout odd = new MetadataLayout(4096 * 100, 1, 4); // 100 blocks, 128 bits per slot
    ByteBuffer region = ByteBuffer.allocate((int) odd.bitmapBytes());
    region.put(13, (byte) 0x10); // bit 108
    assertThatThrownBy(() -> Bitmap.decode(odd, region)).hasMessageContaining("beyond the volume");
  }

  @Property(tries = 200)
  void behavesLikeOneBitSetPerSlot(@ForAll long seed, @ForAll @IntRange(min = 1, max = 5) int slots) {
    MetadataLayout layout = new MetadataLayout(4096L * 3000, slots, 4);
    Bitmap bitmap = Bitmap.empty(layout);
    BitSet[] oracle = new BitSet[slots];
    for (int slot = 0; slot < slots; slot++) {
      oracle[slot] = new BitSet();
    }
    Random random = new Random(seed);
    for (int step = 0; step < 100; step++) {
      int slot = random.nextInt(slots);
      long first = random.nextInt(3000);
      long last = Math.min(2999, first + random.nextInt(300));
      if (random.nextBoolean()) {
        bitmap.set(slot, first, last);
        oracle[slot].set((int) first, (int) last + 1);
      } else {
        bitmap.clear(slot, first, last);
        oracle[slot].clear((int) first, (int) last + 1);
      }
    }
    for (int slot = 0; slot < slots; slot++) {
      assertThat(bitmap.count(slot)).isEqualTo(oracle[slot].cardinality());
      long from = random.nextInt(3000);
      int expected = oracle[slot].nextSetBit((int) from);
      assertThat(bitmap.nextSetBit(slot, from)).isEqualTo(expected);
    }
  }
}
