package io.tandem.engine.bitmap;

import io.tandem.engine.metadata.MetadataLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.BitSet;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Per-peer-slot bitmaps of one volume, one bit per {@link MetadataLayout#BITMAP_BYTES_PER_BIT}
 * bytes, in the metadata file's interleaved word order (word {@code w} of slot {@code s} is element
 * {@code w × slots + s}). Tracks which 4 KiB pages changed since they were last taken for writing.
 *
 * <p>Single-threaded, like the core that owns it.
 */
public final class Bitmap {

  /** 64-bit words per 4 KiB page. */
  static final int WORDS_PER_PAGE = MetadataLayout.BLOCK_BYTES / Long.BYTES;

  private final MetadataLayout layout;
  private final int slots;
  private final long bitsPerSlot;
  private final long blocks;
  private final long[] words;
  private final BitSet dirtyPages = new BitSet();
  private final long[] setBits;

  private Bitmap(MetadataLayout layout, long[] words) {
    this.layout = layout;
    this.slots = layout.peerSlotCount();
    this.bitsPerSlot = layout.bitsPerSlot();
    this.blocks = layout.volumeSizeBytes() / MetadataLayout.BITMAP_BYTES_PER_BIT;
    this.words = words;
    this.setBits = new long[slots];
    for (int i = 0; i < words.length; i++) {
      setBits[i % slots] += Long.bitCount(words[i]);
    }
  }

  /** An all-clear bitmap for {@code layout}. */
  public static Bitmap empty(MetadataLayout layout) {
    return new Bitmap(layout, new long[wordCount(layout)]);
  }

  /**
   * The bitmap as stored in the metadata file's bitmap region ({@code bytes} holds the whole region,
   * little-endian words). Bits beyond the last block of the volume must be clear.
   *
   * @throws IllegalArgumentException if the region has the wrong size or bits past the end are set
   */
  public static Bitmap decode(MetadataLayout layout, ByteBuffer region) {
    if (region.remaining() != layout.bitmapBytes()) {
      throw new IllegalArgumentException("bitmap region of " + region.remaining() + " bytes, the layout needs "
          + layout.bitmapBytes());
    }
    long[] words = new long[wordCount(layout)];
    region.slice().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(words);
    Bitmap bitmap = new Bitmap(layout, words);
    long blocks = bitmap.blocks;
    for (int slot = 0; slot < bitmap.slots; slot++) {
      if (blocks < bitmap.bitsPerSlot && bitmap.nextSetBit(slot, blocks) >= 0) {
        throw new IllegalArgumentException("bit " + bitmap.nextSetBit(slot, blocks) + " of slot " + slot
            + " is set beyond the volume's " + blocks + " blocks");
      }
    }
    return bitmap;
  }

  private static int wordCount(MetadataLayout layout) {
    return Math.toIntExact(layout.bitmapBytes() / Long.BYTES);
  }

  public int slots() {
    return slots;
  }

  /** Number of 4 KiB blocks of the volume (bits in use per slot). */
  public long blocks() {
    return blocks;
  }

  /** Number of 4 KiB pages of the bitmap region. */
  public int pageCount() {
    return words.length / WORDS_PER_PAGE;
  }

  public boolean get(int slot, long block) {
    checkBlock(slot, block);
    return (words[index(slot, block)] & mask(block)) != 0;
  }

  /** Sets the bits of blocks {@code first..last} (inclusive) in {@code slot}. */
  public void set(int slot, long first, long last) {
    change(slot, first, last, true);
  }

  /** Clears the bits of blocks {@code first..last} (inclusive) in {@code slot}. */
  public void clear(int slot, long first, long last) {
    change(slot, first, last, false);
  }

  /** Sets the bits of blocks {@code first..last} in every slot. */
  public void setAll(long first, long last) {
    for (int slot = 0; slot < slots; slot++) {
      set(slot, first, last);
    }
  }

  private void change(int slot, long first, long last, boolean value) {
    checkBlock(slot, first);
    checkBlock(slot, last);
    if (last < first) {
      throw new IllegalArgumentException("block range " + first + ".." + last + " is reversed");
    }
    long block = first;
    while (block <= last) {
      long wordEnd = Math.min(last, (block | 63));
      int bits = (int) (wordEnd - block + 1);
      long mask = bits == 64 ? -1L : ((1L << bits) - 1) << (block & 63);
      int index = index(slot, block);
      long before = words[index];
      long after = value ? before | mask : before & ~mask;
      if (after != before) {
        words[index] = after;
        setBits[slot] += Long.bitCount(after) - Long.bitCount(before);
        dirtyPages.set(index / WORDS_PER_PAGE);
      }
      block = wordEnd + 1;
    }
  }

  /** Number of set bits in {@code slot}. */
  public long count(int slot) {
    checkSlot(slot);
    return setBits[slot];
  }

  /** Number of set bits of {@code slot} among blocks {@code first..last}. */
  public long count(int slot, long first, long last) {
    long total = 0;
    for (long block = nextSetBit(slot, first); block >= 0 && block <= last; block = nextSetBit(slot, block + 1)) {
      total++;
    }
    return total;
  }

  /** The first set bit of {@code slot} at or after {@code from}, or -1. */
  public long nextSetBit(int slot, long from) {
    checkSlot(slot);
    if (from < 0) {
      throw new IllegalArgumentException("block " + from + " is negative");
    }
    long word = from >>> 6;
    long wordsPerSlot = bitsPerSlot >>> 6;
    if (word >= wordsPerSlot) {
      return -1;
    }
    long bits = words[(int) (word * slots + slot)] & (-1L << (from & 63));
    while (true) {
      if (bits != 0) {
        long block = (word << 6) + Long.numberOfTrailingZeros(bits);
        return block < bitsPerSlot ? block : -1;
      }
      word++;
      if (word >= wordsPerSlot) {
        return -1;
      }
      bits = words[(int) (word * slots + slot)];
    }
  }

  /**
   * The pages holding the bits of 4 MiB extent {@code extent} for every slot (at most two: an
   * extent is 16 words per slot, and up to 32 slots make at most 512 words = one page, possibly
   * straddling a page boundary).
   */
  public SortedSet<Integer> pagesOfExtent(long extent) {
    long blocksPerExtent = MetadataLayout.EXTENT_BYTES / MetadataLayout.BITMAP_BYTES_PER_BIT;
    long firstWord = extent * blocksPerExtent / 64 * slots;
    long lastWord = Math.min(words.length - 1L, ((extent + 1) * blocksPerExtent / 64) * slots - 1);
    SortedSet<Integer> pages = new TreeSet<>();
    if (firstWord <= lastWord) {
      pages.add((int) (firstWord / WORDS_PER_PAGE));
      pages.add((int) (lastWord / WORDS_PER_PAGE));
    }
    return Collections.unmodifiableSortedSet(pages);
  }

  public boolean isDirty(int page) {
    return dirtyPages.get(page);
  }

  /** Whether any page changed since it was last taken. */
  public boolean anyDirty() {
    return !dirtyPages.isEmpty();
  }

  /** The pages changed since they were last taken, in ascending order. */
  public SortedSet<Integer> dirtyPages() {
    SortedSet<Integer> pages = new TreeSet<>();
    dirtyPages.stream().forEach(pages::add);
    return pages;
  }

  /**
   * The content of page {@code page} as it goes to disk (4096 bytes, little-endian words), and the
   * page counted clean: a later change marks it dirty again.
   */
  public byte[] takePage(int page) {
    if (page < 0 || page >= pageCount()) {
      throw new IllegalArgumentException("page " + page + " is not within 0.." + (pageCount() - 1));
    }
    ByteBuffer bytes = ByteBuffer.allocate(MetadataLayout.BLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asLongBuffer().put(words, page * WORDS_PER_PAGE, WORDS_PER_PAGE);
    dirtyPages.clear(page);
    return bytes.array();
  }

  /** A copy of the words (for tests and checks). */
  public Bitmap copy() {
    long[] copied = words.clone();
    Bitmap bitmap = new Bitmap(layout, copied);
    bitmap.dirtyPages.or(dirtyPages);
    return bitmap;
  }

  private int index(int slot, long block) {
    return (int) ((block >>> 6) * slots + slot);
  }

  private static long mask(long block) {
    return 1L << (block & 63);
  }

  private void checkSlot(int slot) {
    if (slot < 0 || slot >= slots) {
      throw new IllegalArgumentException("slot " + slot + " is not within 0.." + (slots - 1));
    }
  }

  private void checkBlock(int slot, long block) {
    checkSlot(slot);
    if (block < 0 || block >= blocks) {
      throw new IllegalArgumentException("block " + block + " is not within 0.." + (blocks - 1));
    }
  }
}
