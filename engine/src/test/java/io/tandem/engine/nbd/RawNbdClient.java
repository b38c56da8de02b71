package io.tandem.engine.nbd;

import io.tandem.engine.testing.Bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Speaks the NBD protocol byte by byte over a plain socket, to test the server from outside. */
final class RawNbdClient implements AutoCloseable {

  record OptionReply(int option, int type, byte[] data) {
    String text() {
      return new String(data, StandardCharsets.UTF_8);
    }
  }

  record Reply(int error, long cookie) {}

  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;

  private RawNbdClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = new DataOutputStream(socket.getOutputStream());
  }

  /** Connects and checks the greeting; the client flags are still to be sent. */
  static RawNbdClient connect(InetSocketAddress server) throws IOException {
    Socket socket = new Socket();
    socket.connect(server, 10_000);
    socket.setSoTimeout(10_000);
    socket.setTcpNoDelay(true);
    RawNbdClient client = new RawNbdClient(socket);
    assertThat(client.in.readLong()).as("NBDMAGIC").isEqualTo(0x4e42444d41474943L);
    assertThat(client.in.readLong()).as("IHAVEOPT").isEqualTo(0x49484156454f5054L);
    assertThat(client.in.readUnsignedShort()).as("handshake flags").isEqualTo(3);
    return client;
  }

  /** Connects as a fixed-newstyle client and sends NBD_OPT_GO; returns the transmission flags. */
  static RawNbdClient attach(InetSocketAddress server, String export) throws IOException {
    RawNbdClient client = connect(server);
    client.clientFlags(3);
    List<OptionReply> replies = client.go(NbdProtocol.OPTION_GO, export);
    assertThat(replies.get(replies.size() - 1).type()).as("GO acknowledged").isEqualTo(NbdProtocol.REPLY_ACK);
    return client;
  }

  void clientFlags(int flags) throws IOException {
    out.writeInt(flags);
    out.flush();
  }

  void option(int option, byte[] data) throws IOException {
    out.writeLong(0x49484156454f5054L);
    out.writeInt(option);
    out.writeInt(data.length);
    out.write(data);
    out.flush();
  }

  OptionReply readOptionReply() throws IOException {
    assertThat(in.readLong()).as("option reply magic").isEqualTo(0x3e889045565a9L);
    int option = in.readInt();
    int type = in.readInt();
    byte[] data = new byte[in.readInt()];
    in.readFully(data);
    return new OptionReply(option, type, data);
  }

  /** Sends GO or INFO and reads replies up to the final one (ACK or an error). */
  List<OptionReply> go(int option, String export, int... infoTypes) throws IOException {
    byte[] name = export.getBytes(StandardCharsets.UTF_8);
    Bytes data = Bytes.of().append(intBytes(name.length)).append(name)
        .append(new byte[] {(byte) (infoTypes.length >> 8), (byte) infoTypes.length});
    for (int type : infoTypes) {
      data.append(new byte[] {(byte) (type >> 8), (byte) type});
    }
    option(option, data.array());
    List<OptionReply> replies = new ArrayList<>();
    while (true) {
      OptionReply reply = readOptionReply();
      assertThat(reply.option()).isEqualTo(option);
      replies.add(reply);
      if (reply.type() != NbdProtocol.REPLY_INFO) {
        return replies;
      }
    }
  }

  void request(int flags, int type, long cookie, long offset, long length) throws IOException {
    request(flags, type, cookie, offset, length, new byte[0]);
  }

  void request(int flags, int type, long cookie, long offset, long length, byte[] payload) throws IOException {
    out.writeInt(0x25609513);
    out.writeShort(flags);
    out.writeShort(type);
    out.writeLong(cookie);
    out.writeLong(offset);
    out.writeInt((int) length);
    out.write(payload);
    out.flush();
  }

  void raw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  Reply readReply() throws IOException {
    assertThat(in.readInt()).as("simple reply magic").isEqualTo(0x67446698);
    return new Reply(in.readInt(), in.readLong());
  }

  byte[] readBytes(int count) throws IOException {
    byte[] bytes = new byte[count];
    in.readFully(bytes);
    return bytes;
  }

  /** Reads a reply and checks it: success with the cookie, then the data of a READ. */
  byte[] expectData(long cookie, int length) throws IOException {
    assertThat(readReply()).isEqualTo(new Reply(0, cookie));
    return readBytes(length);
  }

  void expect(long cookie, NbdError error) throws IOException {
    assertThat(readReply()).isEqualTo(new Reply(error.code(), cookie));
  }

  /** The server closes the connection: the next read sees end of stream (or a reset). */
  void expectClosed() throws IOException {
    try {
      assertThat(in.read()).as("end of stream").isEqualTo(-1);
    } catch (SocketException e) {
      // Connection reset: the server closed with unread bytes in its buffer. Closed all the same.
    }
  }

  static byte[] intBytes(int value) {
    return new byte[] {(byte) (value >> 24), (byte) (value >> 16), (byte) (value >> 8), (byte) value};
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
