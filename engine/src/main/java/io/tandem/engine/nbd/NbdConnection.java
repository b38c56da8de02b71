package io.tandem.engine.nbd;

import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One client, from greeting to close, on its own thread: the fixed newstyle handshake, then the
 * transmission phase, where this thread reads, validates and submits requests without waiting for
 * them and an {@link NbdReplyWriter} thread writes the replies.
 */
final class NbdConnection implements Runnable {

  private static final System.Logger LOGGER = System.getLogger(NbdConnection.class.getName());
  /** One read takes a burst of pipelined requests, or a good part of a large WRITE payload. */
  private static final int INPUT_BUFFER_BYTES = 256 * 1024;
  private static final ByteBuffer NO_DATA = ByteBuffer.allocate(0).asReadOnlyBuffer();

  private final SocketChannel channel;
  private final NbdExports exports;
  private final NbdConnectionLimits limits;
  private final String clientAddress;
  /** Bytes read from the client and not yet decoded; kept in read mode between calls. */
  private final ByteBuffer input = ByteBuffer.allocateDirect(INPUT_BUFFER_BYTES).flip();

  /** A client past the handshake: the session it got and the terms it was told. */
  private record Attached(NbdSession session, NbdNegotiatedExport terms) {}

  NbdConnection(SocketChannel channel, NbdExports exports, NbdConnectionLimits limits, String clientAddress) {
    this.channel = channel;
    this.exports = exports;
    this.limits = limits;
    this.clientAddress = clientAddress;
  }

  /** Closes connections whose handshake takes too long; one daemon thread for all servers. */
  private static final ScheduledExecutorService HANDSHAKE_WATCHDOG = Executors.newSingleThreadScheduledExecutor(
      runnable -> {
        Thread thread = new Thread(runnable, "nbd-handshake-watchdog");
        thread.setDaemon(true);
        return thread;
      });

  @Override
  public void run() {
    try {
      ScheduledFuture<?> watchdog = HANDSHAKE_WATCHDOG.schedule(() -> {
        LOGGER.log(Level.WARNING, () -> "NBD client " + clientAddress + " did not finish the handshake within "
            + limits.handshakeTimeout().toSeconds() + " s; closing the connection");
        close();
      }, limits.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
      Attached attached;
      try {
        attached = negotiate();
      } finally {
        watchdog.cancel(false);
      }
      if (attached != null) {
        transmit(attached);
      }
    } catch (EOFException e) {
      LOGGER.log(Level.DEBUG, () -> "NBD client " + clientAddress + " closed the connection");
    } catch (IOException e) {
      LOGGER.log(Level.DEBUG, () -> "NBD client " + clientAddress + ": " + e);
    } finally {
      close();
    }
  }

  /** Stops reading from the client (server shutdown): in-flight requests still complete and are answered. */
  void stopReading() {
    try {
      channel.shutdownInput();
    } catch (IOException e) {
      // Already closed.
    }
  }

  /** Closes the socket at once, for a client that does not take its replies. */
  void close() {
    try {
      channel.close();
    } catch (IOException e) {
      LOGGER.log(Level.DEBUG, () -> "NBD client " + clientAddress + ": closing: " + e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Handshake (proto.md "Fixed newstyle negotiation")

  /** Runs option haggling; returns the attached session, or null when the connection is to be closed. */
  private Attached negotiate() throws IOException {
    writeFully(NbdEncoder.greeting());
    NbdOptionDecoder decoder = new NbdOptionDecoder();
    int clientFlags = read(decoder::decodeClientFlags);
    int unknownFlags = clientFlags & ~(NbdProtocol.CLIENT_FIXED_NEWSTYLE | NbdProtocol.CLIENT_NO_ZEROES);
    if (unknownFlags != 0) {
      // proto.md: the server MUST drop the connection if the client sets an unknown flag.
      LOGGER.log(Level.INFO, () -> "NBD client " + clientAddress + " sent unknown client flags 0x"
          + Integer.toHexString(unknownFlags) + "; closing");
      return null;
    }
    // A client without FIXED_NEWSTYLE speaks plain newstyle, where EXPORT_NAME is the only option
    // and any other one ends the connection (it could not read an option reply).
    boolean fixedNewstyle = (clientFlags & NbdProtocol.CLIENT_FIXED_NEWSTYLE) != 0;
    while (true) {
      NbdOption option = read(decoder::decodeOption);
      if (option == null) {
        return null;
      }
      if (!fixedNewstyle && option.option() != NbdProtocol.OPTION_EXPORT_NAME) {
        LOGGER.log(Level.INFO, () -> "NBD client " + clientAddress + " without fixed newstyle sent option "
            + Integer.toUnsignedString(option.option()) + "; closing");
        return null;
      }
      switch (option.option()) {
        case NbdProtocol.OPTION_EXPORT_NAME:
          return exportName(option, clientFlags);
        case NbdProtocol.OPTION_ABORT:
          writeFully(NbdEncoder.optionReply(option.option(), NbdProtocol.REPLY_ACK));
          return null;
        case NbdProtocol.OPTION_LIST:
          list(option);
          break;
        case NbdProtocol.OPTION_INFO:
        case NbdProtocol.OPTION_GO:
          Attached attached = informOrGo(option);
          if (attached != null) {
            return attached;
          }
          break;
        default:
          // STARTTLS, STRUCTURED_REPLY, the meta-context options and anything newer.
          writeFully(NbdEncoder.optionError(option.option(), NbdProtocol.REPLY_ERROR_UNSUPPORTED,
              "option " + Integer.toUnsignedString(option.option()) + " is not supported by this server"));
          break;
      }
    }
  }

  private void list(NbdOption option) throws IOException {
    if (option.data().hasRemaining()) {
      writeFully(NbdEncoder.optionError(option.option(), NbdProtocol.REPLY_ERROR_INVALID,
          "NBD_OPT_LIST carries no data"));
      return;
    }
    List<ByteBuffer> replies = new ArrayList<>();
    for (NbdExportInfo export : exports.list()) {
      replies.add(NbdEncoder.server(export));
    }
    replies.add(NbdEncoder.optionReply(option.option(), NbdProtocol.REPLY_ACK));
    writeFully(replies.toArray(ByteBuffer[]::new));
  }

  /**
   * NBD_OPT_INFO describes an export; NBD_OPT_GO also attaches to it and, on success, ends the
   * handshake. Errors leave the client free to try another option.
   */
  private Attached informOrGo(NbdOption option) throws IOException {
    int code = option.option();
    NbdInfoRequest request;
    try {
      request = NbdInfoRequest.parse(option.data());
    } catch (NbdInvalidOptionException e) {
      writeFully(NbdEncoder.optionError(code, NbdProtocol.REPLY_ERROR_INVALID, e.getMessage()));
      return null;
    }
    Optional<NbdExport> found = exports.find(request.exportName());
    if (found.isEmpty()) {
      writeFully(NbdEncoder.optionError(code, NbdProtocol.REPLY_ERROR_UNKNOWN, noSuchExport(request.exportName())));
      return null;
    }
    NbdExport export = found.get();
    if (code == NbdProtocol.OPTION_INFO) {
      writeFully(infoReplies(code, request, NbdNegotiatedExport.beforeAttach(export)));
      return null;
    }
    NbdSession session;
    try {
      session = export.attach(clientAddress);
    } catch (NbdRefusedException e) {
      LOGGER.log(Level.INFO, () -> "NBD client " + clientAddress + " refused by export '" + export.name()
          + "': " + e.getMessage());
      writeFully(NbdEncoder.optionError(code, NbdProtocol.REPLY_ERROR_POLICY, e.getMessage()));
      return null;
    }
    try {
      NbdNegotiatedExport terms = NbdNegotiatedExport.of(export, session);
      writeFully(infoReplies(code, request, terms));
      return attached(session, terms);
    } catch (IOException | RuntimeException e) {
      session.detach();
      throw e;
    }
  }

  /** NBD_INFO_EXPORT always, then what the client asked for (each once), then NBD_REP_ACK. */
  private static ByteBuffer[] infoReplies(int option, NbdInfoRequest request, NbdNegotiatedExport terms) {
    List<ByteBuffer> replies = new ArrayList<>();
    replies.add(NbdEncoder.infoExport(option, terms));
    Set<Integer> asked = new LinkedHashSet<>(request.infoTypes());
    for (int infoType : asked) {
      switch (infoType) {
        case NbdProtocol.INFO_NAME:
          replies.add(NbdEncoder.infoString(option, NbdProtocol.INFO_NAME, terms.name()));
          break;
        case NbdProtocol.INFO_DESCRIPTION:
          replies.add(NbdEncoder.infoString(option, NbdProtocol.INFO_DESCRIPTION, terms.description()));
          break;
        case NbdProtocol.INFO_BLOCK_SIZE:
          replies.add(NbdEncoder.infoBlockSize(option));
          break;
        default:
          // NBD_INFO_EXPORT went first anyway; unknown types are ignored, as proto.md asks.
          break;
      }
    }
    replies.add(NbdEncoder.optionReply(option, NbdProtocol.REPLY_ACK));
    return replies.toArray(ByteBuffer[]::new);
  }

  /**
   * NBD_OPT_EXPORT_NAME cannot carry an error: an unknown export or a refusal closes the
   * connection (proto.md: the server MUST terminate the session).
   */
  private Attached exportName(NbdOption option, int clientFlags) throws IOException {
    String name;
    try {
      name = NbdInfoRequest.exportName(option.data());
    } catch (NbdInvalidOptionException e) {
      LOGGER.log(Level.INFO, () -> "NBD client " + clientAddress + ": " + e.getMessage() + "; closing");
      return null;
    }
    Optional<NbdExport> found = exports.find(name);
    if (found.isEmpty()) {
      LOGGER.log(Level.INFO, () -> "NBD client " + clientAddress + ": " + noSuchExport(name) + "; closing");
      return null;
    }
    NbdExport export = found.get();
    NbdSession session;
    try {
      session = export.attach(clientAddress);
    } catch (NbdRefusedException e) {
      LOGGER.log(Level.INFO, () -> "NBD client " + clientAddress + " refused by export '" + export.name()
          + "': " + e.getMessage() + "; closing");
      return null;
    }
    try {
      NbdNegotiatedExport terms = NbdNegotiatedExport.of(export, session);
      writeFully(NbdEncoder.exportNameReply(terms, clientFlags));
      return attached(session, terms);
    } catch (IOException | RuntimeException e) {
      session.detach();
      throw e;
    }
  }

  private Attached attached(NbdSession session, NbdNegotiatedExport terms) {
    LOGGER.log(Level.INFO, () -> "NBD client " + clientAddress + " attached to export '" + terms.name() + "'"
        + (terms.has(NbdTransmissionFlag.READ_ONLY) ? " read-only" : ""));
    return new Attached(session, terms);
  }

  private static String noSuchExport(String name) {
    return name.isEmpty() ? "there is no default export" : "there is no export named '" + name + "'";
  }

  // ---------------------------------------------------------------------------------------------
  // Transmission (proto.md "Transmission")

  private void transmit(Attached attached) throws IOException {
    NbdRequestsInFlight inFlight = new NbdRequestsInFlight(limits);
    NbdReplyWriter writer = new NbdReplyWriter(channel, inFlight, limits, clientAddress);
    Thread writerThread = new Thread(writer, "nbd-replies-" + clientAddress);
    writerThread.setDaemon(true);
    writerThread.start();
    NbdRequestDecoder decoder = new NbdRequestDecoder();
    String ending = "the connection broke";
    try {
      while (true) {
        inFlight.awaitRoom();
        NbdWireRequest wire = read(decoder::decode);
        if (wire == null) {
          ending = "a framing error";
          break;
        }
        if (wire.type() == NbdProtocol.COMMAND_DISCONNECT) {
          ending = "NBD_CMD_DISC";
          break;
        }
        dispatch(wire, attached, writer, inFlight);
      }
    } catch (EOFException e) {
      ending = "end of stream";
    } finally {
      // proto.md NBD_CMD_DISC: "The server MUST handle all outstanding requests" before closing.
      inFlight.awaitNone();
      writer.finish();
      joinUninterruptibly(writerThread);
      close();
      attached.session().detach();
      String reason = ending;
      LOGGER.log(Level.INFO, () -> "NBD client " + clientAddress + " detached from export '"
          + attached.terms().name() + "' after " + reason);
    }
  }

  private void dispatch(NbdWireRequest wire, Attached attached, NbdReplyWriter writer, NbdRequestsInFlight inFlight) {
    NbdRequestValidator.Verdict verdict = NbdRequestValidator.validate(wire, attached.terms());
    if (!verdict.accepted()) {
      // A WRITE's payload has been read already, so the stream stays in step.
      LOGGER.log(Level.DEBUG, () -> "NBD client " + clientAddress + ": " + verdict.problem() + " -> "
          + verdict.error());
      inFlight.add(0);
      writer.enqueue(new NbdReply(wire.cookie(), verdict.error(), NO_DATA, 0));
      return;
    }
    NbdRequest request = verdict.request();
    boolean carriesData = request.command() == NbdCommand.READ || request.command() == NbdCommand.WRITE;
    long dataBytes = carriesData ? request.length() : 0;
    inFlight.add(dataBytes);
    NbdRequestCompletion completion = new NbdRequestCompletion(request, dataBytes, writer, inFlight);
    try {
      attached.session().submit(request, completion);
    } catch (RuntimeException e) {
      // A bug in the session: no completion will come, and the connection goes down loudly.
      completion.abandon();
      throw e;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // I/O

  /**
   * Feeds the decoder until it has a message. Returns null after a framing error (logged), throws
   * EOFException when the client closes first.
   */
  private <T> T read(Function<ByteBuffer, NbdDecoded<T>> decoder) throws IOException {
    while (true) {
      NbdDecoded<T> decoded = decoder.apply(input);
      switch (decoded.kind()) {
        case MESSAGE:
          return decoded.message();
        case FRAMING_ERROR:
          LOGGER.log(Level.WARNING, () -> "NBD client " + clientAddress + ": " + decoded.framingError()
              + "; closing the connection");
          return null;
        case NEED_MORE_BYTES:
        default:
          input.compact();
          int count;
          try {
            count = channel.read(input);
          } finally {
            input.flip();
          }
          if (count < 0) {
            throw new EOFException("the client closed the connection");
          }
      }
    }
  }

  private void writeFully(ByteBuffer... buffers) throws IOException {
    int first = 0;
    while (first < buffers.length) {
      channel.write(buffers, first, buffers.length - first);
      while (first < buffers.length && !buffers[first].hasRemaining()) {
        first++;
      }
    }
  }

  private static void joinUninterruptibly(Thread thread) {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
