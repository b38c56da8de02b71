package io.tandem.link;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Reads and writes link frames (layout in the package documentation). Not thread-safe per stream. */
public final class LinkCodec {
    public static final int MAGIC = 0x54444C4B; // "TDLK"
    public static final int MAX_PAYLOAD = 16 * 1024 * 1024;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private LinkCodec() {
    }

    public static byte[] encode(LinkMessage message) {
        try {
            return JSON.writerFor(LinkMessage.class).writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    public static LinkMessage decode(byte[] payload) throws LinkProtocolException {
        LinkMessage message;
        try {
            message = JSON.readValue(payload, LinkMessage.class);
        } catch (IOException e) {
            throw new LinkProtocolException("not a link message: " + originalMessage(e), e);
        }
        if (message == null) {
            // Jackson maps the JSON literal null to a null message rather than failing
            throw new LinkProtocolException("not a link message: the payload is JSON null");
        }
        return message;
    }

    public static void write(OutputStream out, LinkMessage message) throws IOException {
        byte[] payload = encode(message);
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalStateException("message of " + payload.length + " bytes exceeds the frame limit");
        }
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(MAGIC);
        data.writeInt(payload.length);
        data.write(payload);
        data.flush();
    }

    /** Reads one frame; {@link EOFException} when the peer closed the stream cleanly between frames. */
    public static LinkMessage read(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int magic = data.readInt();
        if (magic != MAGIC) {
            throw new LinkProtocolException("bad frame magic 0x%08X (expected 0x%08X): the peer does not speak the Tandem link"
                    .formatted(magic, MAGIC));
        }
        int length = data.readInt();
        if (length <= 0 || length > MAX_PAYLOAD) {
            throw new LinkProtocolException("frame length " + length + " out of range 1.." + MAX_PAYLOAD);
        }
        byte[] payload = new byte[length];
        data.readFully(payload);
        return decode(payload);
    }

    private static String originalMessage(IOException e) {
        return e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
    }
}
