package io.tandem.engine.wire;

/**
 * A message between two engines: the body of one frame. Each kind encodes its own body; the
 * decoder dispatches on the frame's type to the kind's {@code decode(ByteBuffer)}.
 */
public sealed interface WireMessage permits Hello, Authenticate, Welcome, Refused, Ping, Pong, ReplicaState,
    DataWrite, WriteAck, Barrier, BarrierAck, BitmapRuns, ResyncRequest, ResyncReply, InSync, ResyncFinished,
    NewCurrentUuid, TwoPhase, ChecksumRequest, ChecksumReply, PeerAck {

  MessageType type();

  /** The body bytes, big-endian, as laid out in {@code package-info.java}. */
  byte[] encodeBody();
}
