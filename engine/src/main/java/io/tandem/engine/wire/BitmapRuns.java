package io.tandem.engine.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Part of a volume's bitmap, sent when two nodes connect: the blocks the sender has marked out of
 * sync for the receiver, as runs. A bitmap travels as one or more of these in ascending order
 * ({@link #split}); the receiver merges them into its own and knows it has them all at the one
 * with {@code last} set.
 *
 * @param volume the volume number, 0..65535
 * @param last whether this is the bitmap's final message
 * @param runs ascending and non-overlapping (adjacent is allowed), at most {@link #MAX_RUNS}
 */
public record BitmapRuns(int volume, boolean last, List<BlockRun> runs) implements WireMessage {

  static final int FIXED_BYTES = 8;
  static final int RUN_BYTES = 16;

  /** The most runs one message carries: its body stays within {@link WireProtocol#MAX_BODY_BYTES}. */
  public static final int MAX_RUNS = (WireProtocol.MAX_BODY_BYTES - FIXED_BYTES) / RUN_BYTES;

  public BitmapRuns {
    Bodies.requireVolume(volume);
    runs = List.copyOf(runs);
    if (runs.size() > MAX_RUNS) {
      throw new IllegalArgumentException(runs.size() + " runs exceed " + MAX_RUNS);
    }
    requireOrdered(runs);
  }

  /**
   * Blocks {@code first} to {@code first + count - 1}, in the bitmap's blocks.
   *
   * @param first ≥ 0
   * @param count ≥ 1; the run ends within a long
   */
  public record BlockRun(long first, long count) {

    public BlockRun {
      if (first < 0) {
        throw new IllegalArgumentException("first block " + first + " is negative");
      }
      if (count < 1) {
        throw new IllegalArgumentException("count " + count + " is not at least 1");
      }
      if (first > Long.MAX_VALUE - count) {
        throw new IllegalArgumentException("first block " + first + " + count " + count + " overflows");
      }
    }

    /** The block after the run. */
    public long end() {
      return first + count;
    }
  }

  /**
   * Chunks a volume's runs into messages of at most {@code maxRunsPerMessage} runs, in order;
   * only the final one has {@code last} set. No runs give one message with {@code last} set and no
   * runs.
   *
   * @param runs ascending and non-overlapping
   * @param maxRunsPerMessage 1..{@link #MAX_RUNS}
   */
  public static List<BitmapRuns> split(int volume, List<BlockRun> runs, int maxRunsPerMessage) {
    Bodies.requireWithin(maxRunsPerMessage, 1, MAX_RUNS, "maxRunsPerMessage");
    List<BlockRun> all = List.copyOf(runs);
    requireOrdered(all);
    if (all.isEmpty()) {
      return List.of(new BitmapRuns(volume, true, List.of()));
    }
    List<BitmapRuns> messages = new ArrayList<>();
    int from = 0;
    while (from < all.size()) {
      int to = from + Math.min(maxRunsPerMessage, all.size() - from);
      messages.add(new BitmapRuns(volume, to == all.size(), all.subList(from, to)));
      from = to;
    }
    return List.copyOf(messages);
  }

  private static void requireOrdered(List<BlockRun> runs) {
    for (int i = 1; i < runs.size(); i++) {
      BlockRun before = runs.get(i - 1);
      BlockRun run = runs.get(i);
      if (run.first() < before.end()) {
        throw new IllegalArgumentException("run " + i + " from block " + run.first()
            + " starts before the end of run " + (i - 1) + " at block " + before.end()
            + ": runs must be ascending and must not overlap");
      }
    }
  }

  @Override
  public MessageType type() {
    return MessageType.BITMAP_RUNS;
  }

  @Override
  public byte[] encodeBody() {
    ByteBuffer body = ByteBuffer.allocate(FIXED_BYTES + runs.size() * RUN_BYTES)
        .putShort((short) volume)
        .put((byte) (last ? 1 : 0))
        .put((byte) 0)
        .putInt(runs.size());
    runs.forEach(run -> body.putLong(run.first()).putLong(run.count()));
    return body.array();
  }

  static BitmapRuns decode(ByteBuffer body) throws WireFormatException {
    Bodies.requireAtLeast(body, FIXED_BYTES, MessageType.BITMAP_RUNS);
    int volume = Short.toUnsignedInt(body.getShort());
    boolean last = Bodies.bool(body, MessageType.BITMAP_RUNS, "last");
    Bodies.requireZero(body, MessageType.BITMAP_RUNS, "reserved byte 3");
    long count = Integer.toUnsignedLong(body.getInt());
    if (count > MAX_RUNS) {
      throw new WireFormatException(MessageType.BITMAP_RUNS + " run count " + count + " exceeds " + MAX_RUNS);
    }
    Bodies.requireExactly(body, count * RUN_BYTES, MessageType.BITMAP_RUNS, "runs");
    List<BlockRun> runs = new ArrayList<>((int) count);
    for (int i = 0; i < count; i++) {
      long first = body.getLong();
      long blocks = body.getLong();
      runs.add(Bodies.construct(MessageType.BITMAP_RUNS + " run " + i, () -> new BlockRun(first, blocks)));
    }
    return Bodies.construct(MessageType.BITMAP_RUNS, () -> new BitmapRuns(volume, last, runs));
  }
}
