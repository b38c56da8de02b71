package io.tandem.engine.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.engine.wire.HandshakeConfig;
import io.tandem.engine.wire.HandshakeOutcome;
import io.tandem.engine.wire.HandshakeStep;
import io.tandem.engine.wire.PeerHandshake;
import io.tandem.engine.wire.WireDecoded;
import io.tandem.engine.wire.WireDecoder;
import io.tandem.engine.wire.WireEncoder;
import io.tandem.engine.wire.WireFrame;
import io.tandem.engine.wire.WireMessage;
import io.tandem.engine.wire.WireProtocol;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;

/** A hand-driven peer over a plain socket, so a test controls every frame (or the silence). */
final class RawPeer implements AutoCloseable {

  private final Socket socket = new Socket();
  private final WireDecoder decoder = new WireDecoder();
  /** Bytes read and not yet decoded. */
  private final ByteBuffer inbox = ByteBuffer.allocate(64 * 1024).flip();
  private int version = WireProtocol.HANDSHAKE_VERSION;

  RawPeer(PeerLinks target, Duration readTimeout) throws IOException {
    this(target, readTimeout, 0);
  }

  /** @param receiveBufferBytes the socket's receive buffer, 0 for the system's default */
  RawPeer(PeerLinks target, Duration readTimeout, int receiveBufferBytes) throws IOException {
    if (receiveBufferBytes > 0) {
      socket.setReceiveBufferSize(receiveBufferBytes);
    }
    socket.setSoTimeout((int) readTimeout.toMillis());
    socket.connect(target.boundAddress(), (int) readTimeout.toMillis());
  }

  void write(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
  }

  void send(int senderNodeId, WireMessage message) throws IOException {
    write(WireEncoder.encode(version == WireProtocol.HANDSHAKE_VERSION
        ? WireFrame.handshake(senderNodeId, message) : WireFrame.of(version, senderNodeId, message)));
  }

  /** Runs the handshake as {@code config}'s local node; fails the test unless it is established. */
  void handshake(HandshakeConfig config) throws IOException {
    PeerHandshake handshake = new PeerHandshake(config, new byte[WireProtocol.NONCE_BYTES]);
    HandshakeStep step = handshake.start();
    while (true) {
      for (WireFrame frame : step.toSend()) {
        write(WireEncoder.encode(frame));
      }
      if (step.outcome() instanceof HandshakeOutcome.Established established) {
        version = established.version();
        decoder.established(version);
        return;
      }
      assertThat(step.outcome()).isInstanceOf(HandshakeOutcome.InProgress.class);
      step = handshake.receive(readFrame());
    }
  }

  /** The next frame; fails the test on the end of the stream or a decoder error. */
  WireFrame readFrame() throws IOException {
    while (true) {
      WireDecoded decoded = decoder.decode(inbox);
      assertThat(decoded.kind()).isNotEqualTo(WireDecoded.Kind.ERROR);
      if (decoded.kind() == WireDecoded.Kind.FRAME) {
        return decoded.frame();
      }
      // the decoder consumed every byte it was given
      inbox.clear();
      int read = socket.getInputStream().read(inbox.array());
      assertThat(read).as("a whole frame before the end of the stream").isNotEqualTo(-1);
      inbox.limit(read);
    }
  }

  /** True when the other side closed: the end of the stream (after any frames still in flight). */
  boolean closedByPeer() throws IOException {
    byte[] drain = new byte[4096];
    while (true) {
      if (socket.getInputStream().read(drain) < 0) {
        return true;
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
