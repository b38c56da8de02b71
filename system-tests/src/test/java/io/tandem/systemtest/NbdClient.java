package io.tandem.systemtest;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.LongToIntFunction;

/**
 * A small NBD client over a plain socket (proto.md: fixed newstyle handshake, NBD_OPT_GO, simple
 * replies), for what the command-line tools cannot do: stay attached while a test looks at the
 * node's role, and pipeline writes while knowing exactly which were acknowledged before a kill.
 *
 * <p>Requests are sent and replies read separately, so several may be in flight; replies may come in
 * any order and are matched by cookie. A READ reply carries its data: whoever reads replies must
 * know which cookies were reads ({@link #readReply(LongToIntFunction)}).
 */
final class NbdClient implements AutoCloseable {

    static final short COMMAND_READ = 0;
    static final short COMMAND_WRITE = 1;
    static final short COMMAND_DISCONNECT = 2;
    static final short COMMAND_FLUSH = 3;
    static final short FLAG_FUA = 1;

    private static final long MAGIC_NBD = 0x4e42444d41474943L; // "NBDMAGIC"
    private static final long MAGIC_OPTION = 0x49484156454f5054L; // "IHAVEOPT"
    private static final long MAGIC_OPTION_REPLY = 0x3e889045565a9L;
    private static final int MAGIC_REQUEST = 0x25609513;
    private static final int MAGIC_SIMPLE_REPLY = 0x67446698;
    private static final int CLIENT_FIXED_NEWSTYLE = 1;
    private static final int CLIENT_NO_ZEROES = 2;
    private static final int OPTION_GO = 7;
    private static final int REPLY_ACK = 1;
    private static final int REPLY_INFO = 3;
    private static final int INFO_EXPORT = 0;

    /** The answer to one request: NBD error code (0 = success) and, for a successful READ, the data. */
    record Reply(long cookie, int error, byte[] data) {}

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final long sizeBytes;

    private NbdClient(Socket socket, DataInputStream in, DataOutputStream out, long sizeBytes) {
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.sizeBytes = sizeBytes;
    }

    /** Connects, negotiates {@code export} with NBD_OPT_GO and is ready for requests. */
    static NbdClient attach(InetSocketAddress server, String export, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(server, (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
            expect(in.readLong(), MAGIC_NBD, "greeting magic");
            expect(in.readLong(), MAGIC_OPTION, "IHAVEOPT");
            in.readUnsignedShort(); // handshake flags
            out.writeInt(CLIENT_FIXED_NEWSTYLE | CLIENT_NO_ZEROES);
            byte[] name = export.getBytes(StandardCharsets.UTF_8);
            out.writeLong(MAGIC_OPTION);
            out.writeInt(OPTION_GO);
            out.writeInt(4 + name.length + 2);
            out.writeInt(name.length);
            out.write(name);
            out.writeShort(0); // no information requests: NBD_INFO_EXPORT comes anyway
            out.flush();
            long size = -1;
            while (true) {
                expect(in.readLong(), MAGIC_OPTION_REPLY, "option reply magic");
                in.readInt(); // option
                int type = in.readInt();
                byte[] data = new byte[in.readInt()];
                in.readFully(data);
                if (type == REPLY_INFO && data.length >= 10 && ByteBuffer.wrap(data).getShort(0) == INFO_EXPORT) {
                    size = ByteBuffer.wrap(data).getLong(2);
                } else if (type == REPLY_ACK) {
                    break;
                } else if (type < 0) {
                    throw new IOException("NBD_OPT_GO for '" + export + "' refused (reply type 0x"
                            + Integer.toHexString(type) + "): " + new String(data, StandardCharsets.UTF_8));
                }
            }
            if (size < 0) {
                throw new IOException("NBD_OPT_GO for '" + export + "' acknowledged without NBD_INFO_EXPORT");
            }
            return new NbdClient(socket, in, out, size);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    long sizeBytes() {
        return sizeBytes;
    }

    /** Sends a request without waiting for its reply (the payload only for WRITE). */
    void send(short command, short flags, long cookie, long offset, int length, byte[] payload) throws IOException {
        out.writeInt(MAGIC_REQUEST);
        out.writeShort(flags);
        out.writeShort(command);
        out.writeLong(cookie);
        out.writeLong(offset);
        out.writeInt(length);
        if (payload != null) {
            out.write(payload, 0, length);
        }
        out.flush();
    }

    /**
     * Reads the next reply. {@code readLength} tells, for a cookie, how many data bytes follow a
     * successful reply (the length of a READ, 0 for anything else).
     */
    Reply readReply(LongToIntFunction readLength) throws IOException {
        expect(in.readInt(), MAGIC_SIMPLE_REPLY, "simple reply magic");
        int error = in.readInt();
        long cookie = in.readLong();
        byte[] data = null;
        if (error == 0) {
            data = new byte[readLength.applyAsInt(cookie)];
            in.readFully(data);
        }
        return new Reply(cookie, error, data);
    }

    /** One READ, waiting for its reply; nothing else may be in flight. */
    byte[] read(long offset, int length) throws IOException {
        send(COMMAND_READ, (short) 0, 1, offset, length, null);
        Reply reply = readReply(cookie -> length);
        if (reply.error() != 0) {
            throw new IOException("READ " + length + " bytes at " + offset + " failed with NBD error " + reply.error());
        }
        return reply.data();
    }

    /** Says goodbye (NBD_CMD_DISC) and closes; the server detaches the session. */
    void disconnect() throws IOException {
        try (socket) {
            send(COMMAND_DISCONNECT, (short) 0, 0, 0, 0, null);
        }
    }

    private static void expect(long found, long expected, String what) throws IOException {
        if (found != expected) {
            throw new IOException(what + ": found 0x" + Long.toHexString(found) + ", expected 0x"
                    + Long.toHexString(expected));
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
