package io.tandem.engine.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A node's role and, per volume, what the connect decision needs from it: its disk state, flags,
 * size and generation UUIDs. Sent once the connection is established and again whenever any of
 * it changes.
 *
 * @param role {@link #ROLE_SECONDARY} or {@link #ROLE_PRIMARY}
 * @param volumes at most 65535, each volume number at most once
 * @param writeSequence the sequence of the last DATA_WRITE the sender sent to anyone: writes on this
 *     connection carry higher ones (a resync fence compares against it)
 * @param primaryPeer the node id (0..31) of the Primary the sender is connected to and takes writes
 *     from, or {@link #NO_PRIMARY_PEER}: a second Primary must not join it
 */
public record ReplicaState(int role, List<VolumeState> volumes, long writeSequence, int primaryPeer)
    implements WireMessage {

  public static final int ROLE_SECONDARY = 0;
  public static final int ROLE_PRIMARY = 1;

  public static final int NO_PRIMARY_PEER = -1;

  static final int FIXED_BYTES = 12;

  /** A state of a node that never sent a write. */
  public ReplicaState(int role, List<VolumeState> volumes) {
    this(role, volumes, 0);
  }

  /** A state of a node connected to no Primary. */
  public ReplicaState(int role, List<VolumeState> volumes, long writeSequence) {
    this(role, volumes, writeSequence, NO_PRIMARY_PEER);
  }

  public ReplicaState {
    Bodies.requireWithin(role, ROLE_SECONDARY, ROLE_PRIMARY, "role");
    Bodies.requireWithin(primaryPeer, NO_PRIMARY_PEER, WireProtocol.MAX_NODE_ID, "primary peer");
    volumes = List.copyOf(volumes);
    if (volumes.size() > WireProtocol.MAX_VOLUME) {
      throw new IllegalArgumentException(volumes.size() + " volumes exceed " + WireProtocol.MAX_VOLUME);
    }
    Set<Integer> numbers = new HashSet<>();
    for (VolumeState volume : volumes) {
      if (!numbers.add(volume.number())) {
        throw new IllegalArgumentException("volume " + volume.number() + " appears twice");
      }
    }
  }

  /**
   * One volume's state.
   *
   * @param number the volume number, 0..65535
   * @param diskState the disk state as a code, 0..255 (the core maps it to its own states)
   * @param flags 0..255: {@link #FLAG_CRASHED_PRIMARY}, {@link #FLAG_LOST_QUORUM_AS_PRIMARY},
   *     {@link #FLAG_RECONNECT}, {@link #FLAG_DISCARD_MY_DATA}, {@link #FLAG_UNWRITTEN_GENERATION},
   *     {@link #FLAG_REPLAYED_LOG}; other bits are carried for a newer peer, not refused
   * @param sizeBytes the volume's size, ≥ 0
   * @param currentUuid the generation of this node's data
   * @param bitmapUuids per peer node id (0..31): the generation that node's bitmap slot tracks
   *     changes against; kept sorted by node id, unmodifiable
   * @param history older generations, newest first, at most 16
   * @param generationWrites the sequence of the last write of the current generation's writer this
   *     node holds (the writer's own last write on the writer), ≥ 0; 0 when unknown (nothing
   *     written yet, or the node restarted since)
   * @param unacknowledgedSince nonzero when this node started its current generation, and any it
   *     started since this one, its parent, and acknowledged no client write in them: their data
   *     may be discarded for a side that moved on from the parent. 0 claims nothing
   */
  public record VolumeState(int number, int diskState, int flags, long sizeBytes, long currentUuid,
      Map<Integer, Long> bitmapUuids, List<Long> history, long generationWrites, long unacknowledgedSince) {

    /** This node was Primary and crashed: it did not stop gracefully. */
    public static final int FLAG_CRASHED_PRIMARY = 1;
    /** This node was Primary when it lost quorum. */
    public static final int FLAG_LOST_QUORUM_AS_PRIMARY = 2;
    /** This node saw this very connection drop while it kept running. */
    public static final int FLAG_RECONNECT = 4;
    /** An operator told this node to drop its changes in a split brain (discard-my-data). */
    public static final int FLAG_DISCARD_MY_DATA = 8;
    /**
     * The current generation was started when a peer was lost with writes in flight, and nothing
     * was written in it since (its data is the parent generation's, the first history entry).
     */
    public static final int FLAG_UNWRITTEN_GENERATION = 16;
    /**
     * This node replayed its activity log when it last started (it stopped with writes possibly in
     * flight) and no peer reconciled it since: its marks include blocks it may lack itself.
     */
    public static final int FLAG_REPLAYED_LOG = 32;

    public static final int MAX_BITMAP_UUIDS = WireProtocol.MAX_NODE_ID + 1;
    public static final int MAX_HISTORY = 16;

    static final int FIXED_BYTES = 38;
    static final int BITMAP_ENTRY_BYTES = 9;
    static final int HISTORY_ENTRY_BYTES = 8;

    /** A volume state without a known position in its generation's writes. */
    public VolumeState(int number, int diskState, int flags, long sizeBytes, long currentUuid,
        Map<Integer, Long> bitmapUuids, List<Long> history) {
      this(number, diskState, flags, sizeBytes, currentUuid, bitmapUuids, history, 0, 0);
    }

    /** A volume state that claims no unacknowledged branch. */
    public VolumeState(int number, int diskState, int flags, long sizeBytes, long currentUuid,
        Map<Integer, Long> bitmapUuids, List<Long> history, long generationWrites) {
      this(number, diskState, flags, sizeBytes, currentUuid, bitmapUuids, history, generationWrites, 0);
    }

    public VolumeState {
      Bodies.requireVolume(number);
      if (generationWrites < 0) {
        throw new IllegalArgumentException("generationWrites " + generationWrites + " is negative");
      }
      Bodies.requireWithin(diskState, 0, 0xff, "diskState");
      Bodies.requireWithin(flags, 0, 0xff, "flags");
      if (sizeBytes < 0) {
        throw new IllegalArgumentException("sizeBytes " + sizeBytes + " is negative");
      }
      Objects.requireNonNull(bitmapUuids, "bitmapUuids");
      SortedMap<Integer, Long> sorted = new TreeMap<>();
      for (Map.Entry<Integer, Long> entry : bitmapUuids.entrySet()) {
        Integer nodeId = Objects.requireNonNull(entry.getKey(), "bitmapUuids node id");
        Bodies.requireWithin(nodeId, 0, WireProtocol.MAX_NODE_ID, "bitmapUuids node id");
        sorted.put(nodeId, Objects.requireNonNull(entry.getValue(), "bitmapUuids UUID"));
      }
      bitmapUuids = Collections.unmodifiableSortedMap(sorted);
      history = List.copyOf(history);
      if (history.size() > MAX_HISTORY) {
        throw new IllegalArgumentException("history of " + history.size() + " entries exceeds " + MAX_HISTORY);
      }
    }

    /** Whether all bits of {@code flag} are set. */
    public boolean has(int flag) {
      return (flags & flag) == flag;
    }

    int encodedBytes() {
      return FIXED_BYTES + bitmapUuids.size() * BITMAP_ENTRY_BYTES + history.size() * HISTORY_ENTRY_BYTES;
    }

    void encode(ByteBuffer body) {
      body.putShort((short) number)
          .put((byte) diskState)
          .put((byte) flags)
          .putLong(sizeBytes)
          .putLong(currentUuid)
          .put((byte) bitmapUuids.size())
          .put((byte) history.size())
          .putLong(generationWrites)
          .putLong(unacknowledgedSince);
      // the map is sorted: ascending node ids
      bitmapUuids.forEach((nodeId, uuid) -> body.put(nodeId.byteValue()).putLong(uuid));
      history.forEach(body::putLong);
    }

    static VolumeState decode(ByteBuffer body, int index) throws WireFormatException {
      Bodies.requireRemaining(body, FIXED_BYTES, MessageType.REPLICA_STATE, "volume entry " + index);
      int number = Short.toUnsignedInt(body.getShort());
      int diskState = Byte.toUnsignedInt(body.get());
      int flags = Byte.toUnsignedInt(body.get());
      long sizeBytes = body.getLong();
      long currentUuid = body.getLong();
      int entries = Byte.toUnsignedInt(body.get());
      int historyCount = Byte.toUnsignedInt(body.get());
      long generationWrites = body.getLong();
      long unacknowledgedSince = body.getLong();
      String where = MessageType.REPLICA_STATE + " volume " + number;
      if (entries > MAX_BITMAP_UUIDS) {
        throw new WireFormatException(where + " bitmap UUID count " + entries + " exceeds " + MAX_BITMAP_UUIDS);
      }
      if (historyCount > MAX_HISTORY) {
        throw new WireFormatException(where + " history count " + historyCount + " exceeds " + MAX_HISTORY);
      }
      Bodies.requireRemaining(body, entries * BITMAP_ENTRY_BYTES + historyCount * HISTORY_ENTRY_BYTES,
          MessageType.REPLICA_STATE, "the bitmap UUIDs and history of volume " + number);
      Map<Integer, Long> bitmapUuids = new TreeMap<>();
      int previous = -1;
      for (int i = 0; i < entries; i++) {
        int nodeId = Byte.toUnsignedInt(body.get());
        if (nodeId <= previous) {
          throw new WireFormatException(where + " bitmap UUID node ids are not ascending: " + nodeId
              + " after " + previous);
        }
        previous = nodeId;
        bitmapUuids.put(nodeId, body.getLong());
      }
      List<Long> history = new ArrayList<>(historyCount);
      for (int i = 0; i < historyCount; i++) {
        history.add(body.getLong());
      }
      return Bodies.construct(where,
          () -> new VolumeState(number, diskState, flags, sizeBytes, currentUuid, bitmapUuids, history,
              generationWrites, unacknowledgedSince));
    }
  }

  @Override
  public MessageType type() {
    return MessageType.REPLICA_STATE;
  }

  @Override
  public byte[] encodeBody() {
    int bytes = FIXED_BYTES;
    for (VolumeState volume : volumes) {
      bytes += volume.encodedBytes();
    }
    ByteBuffer body = ByteBuffer.allocate(bytes)
        .put((byte) role)
        .put((byte) (primaryPeer + 1))
        .putShort((short) volumes.size())
        .putLong(writeSequence);
    volumes.forEach(volume -> volume.encode(body));
    return body.array();
  }

  static ReplicaState decode(ByteBuffer body) throws WireFormatException {
    Bodies.requireAtLeast(body, FIXED_BYTES, MessageType.REPLICA_STATE);
    int role = Byte.toUnsignedInt(body.get());
    int primaryByte = Byte.toUnsignedInt(body.get());
    if (primaryByte > WireProtocol.MAX_NODE_ID + 1) {
      throw new WireFormatException(MessageType.REPLICA_STATE + " primary peer byte " + primaryByte
          + " names no node (0 for none, 1.." + (WireProtocol.MAX_NODE_ID + 1) + " for node ids 0.."
          + WireProtocol.MAX_NODE_ID + ")");
    }
    int primaryPeer = primaryByte - 1;
    int count = Short.toUnsignedInt(body.getShort());
    long writeSequence = body.getLong();
    List<VolumeState> volumes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      volumes.add(VolumeState.decode(body, i));
    }
    Bodies.requireEnd(body, MessageType.REPLICA_STATE, "the volumes");
    return Bodies.construct(MessageType.REPLICA_STATE, () -> new ReplicaState(role, volumes, writeSequence, primaryPeer));
  }
}
