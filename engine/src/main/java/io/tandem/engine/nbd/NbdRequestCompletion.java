package io.tandem.engine.nbd;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/** The completion of one submitted request: turns the session's answer into a queued reply, once. */
final class NbdRequestCompletion implements NbdCompletion {

  private static final ByteBuffer NO_DATA = ByteBuffer.allocate(0).asReadOnlyBuffer();

  private final NbdRequest request;
  private final long dataBytesInFlight;
  private final NbdReplyWriter writer;
  private final NbdRequestsInFlight inFlight;
  private final AtomicBoolean completed = new AtomicBoolean();

  NbdRequestCompletion(NbdRequest request, long dataBytesInFlight, NbdReplyWriter writer,
      NbdRequestsInFlight inFlight) {
    this.request = request;
    this.dataBytesInFlight = dataBytesInFlight;
    this.writer = writer;
    this.inFlight = inFlight;
  }

  @Override
  public void complete(NbdError error, ByteBuffer readData) {
    Objects.requireNonNull(error, "error");
    if (!completed.compareAndSet(false, true)) {
      throw new IllegalStateException(request.command() + " with cookie " + request.cookie() + " completed twice");
    }
    if (request.command() != NbdCommand.READ || error != NbdError.NONE) {
      writer.enqueue(new NbdReply(request.cookie(), error, NO_DATA, dataBytesInFlight));
      return;
    }
    if (readData == null || readData.remaining() != request.length()) {
      // A simple reply cannot carry fewer bytes than asked for; EIO keeps the stream in step.
      writer.enqueue(new NbdReply(request.cookie(), NbdError.EIO, NO_DATA, dataBytesInFlight));
      throw new IllegalArgumentException("READ of " + request.length() + " bytes completed with "
          + (readData == null ? "no data" : readData.remaining() + " bytes"));
    }
    writer.enqueue(new NbdReply(request.cookie(), NbdError.NONE, readData, dataBytesInFlight));
  }

  /**
   * The session threw from submit, so this request will never complete: it stops counting as in
   * flight, without a reply (the connection is being closed).
   */
  void abandon() {
    if (completed.compareAndSet(false, true)) {
      inFlight.release(dataBytesInFlight);
    }
  }
}
