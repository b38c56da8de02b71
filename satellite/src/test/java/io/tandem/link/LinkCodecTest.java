package io.tandem.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.link.LinkMessage.DesiredState;
import io.tandem.link.LinkMessage.Hello;
import io.tandem.link.LinkMessage.Login;
import io.tandem.link.LinkMessage.LoginReport;
import io.tandem.link.LinkMessage.NodeState;
import io.tandem.link.LinkMessage.ObservedState;
import io.tandem.link.LinkMessage.Ping;
import io.tandem.link.LinkMessage.PoolObservation;
import io.tandem.link.LinkMessage.PoolSpec;
import io.tandem.link.LinkMessage.Pong;
import io.tandem.link.LinkMessage.RefusalKind;
import io.tandem.link.LinkMessage.Refused;
import io.tandem.link.LinkMessage.Welcome;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The frame layout of the package documentation, byte for byte, and every way a peer can break it. */
class LinkCodecTest {

    // ---- golden bytes ----

    /** {"type":"Ping","sentAtMillis":42} is 33 bytes. */
    private static final byte[] PING_42_FRAME = concat(
            new byte[] {0x54, 0x44, 0x4C, 0x4B, 0x00, 0x00, 0x00, 0x21},
            "{\"type\":\"Ping\",\"sentAtMillis\":42}".getBytes(StandardCharsets.UTF_8));

    @Test
    void aFrameIsMagicThenBigEndianLengthThenJsonPayload() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LinkCodec.write(out, new Ping(42));
        assertThat(out.toByteArray()).containsExactly(PING_42_FRAME);
    }

    @Test
    void theMagicSpellsTdlk() {
        assertThat(ByteBuffer.allocate(4).putInt(LinkCodec.MAGIC).array())
                .isEqualTo("TDLK".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void goldenBytesDecode() throws IOException {
        assertThat(LinkCodec.read(new ByteArrayInputStream(PING_42_FRAME))).isEqualTo(new Ping(42));
    }

    @Test
    void theLengthFieldCountsUtf8BytesNotCharacters() throws IOException {
        Refused refused = new Refused(RefusalKind.AUTHENTICATION, "Schlüssel ✗ 🔑", 1, 1);
        byte[] frame = frameOf(refused);
        int length = ByteBuffer.wrap(frame, 4, 4).getInt();
        assertThat(length).isEqualTo(frame.length - 8).isEqualTo(LinkCodec.encode(refused).length);
        assertThat(LinkCodec.read(new ByteArrayInputStream(frame))).isEqualTo(refused);
    }

    // ---- framing: slices and back-to-back frames ----

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 7, 8, 9, 13, 4096})
    void framesDeliveredInOddSizedSlicesDecode(int sliceSize) throws IOException {
        byte[] frames = concat(frameOf(sampleDesiredState()), frameOf(new Pong(7)));
        InputStream in = new SlicedInputStream(frames, new int[] {sliceSize});
        assertThat(LinkCodec.read(in)).isEqualTo(sampleDesiredState());
        assertThat(LinkCodec.read(in)).isEqualTo(new Pong(7));
        assertThatThrownBy(() -> LinkCodec.read(in)).isInstanceOf(EOFException.class);
    }

    @Property(tries = 300)
    void anySlicingOfAnyFrameSequenceDecodesTheSameMessages(
            @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 0, max = 9) Integer> messageIndexes,
            @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 40) Integer> sliceSizes)
            throws IOException {
        List<LinkMessage> samples = everyMessageType().toList();
        List<LinkMessage> sent = messageIndexes.stream().map(i -> samples.get(i % samples.size())).toList();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (LinkMessage message : sent) {
            LinkCodec.write(stream, message);
        }
        InputStream in = new SlicedInputStream(stream.toByteArray(),
                sliceSizes.stream().mapToInt(Integer::intValue).toArray());
        for (LinkMessage message : sent) {
            assertThat(LinkCodec.read(in)).isEqualTo(message);
        }
        assertThatThrownBy(() -> LinkCodec.read(in)).isInstanceOf(EOFException.class);
    }

    @Test
    void twoFramesInOneReadAreTwoMessages() throws IOException {
        // the session reads through a BufferedInputStream: one read() fills it with both frames
        InputStream in = new BufferedInputStream(new ByteArrayInputStream(
                concat(frameOf(new Ping(1)), frameOf(new Ping(2)))));
        assertThat(LinkCodec.read(in)).isEqualTo(new Ping(1));
        assertThat(LinkCodec.read(in)).isEqualTo(new Ping(2));
        assertThatThrownBy(() -> LinkCodec.read(in)).isInstanceOf(EOFException.class);
    }

    // ---- every message type ----

    static Stream<LinkMessage> everyMessageType() {
        return Stream.of(
                new Hello(1, 3, LinkProof.newNonce(), "controller-7"),
                new Welcome(1, LinkProof.newNonce(), "proof=="),
                new Refused(RefusalKind.AUTHENTICATION, "wrong secret", 1, 1),
                new Refused(RefusalKind.VERSION_MISMATCH, "speaks 2..3", 1, 1),
                new Refused(RefusalKind.OTHER_CONTROLLER, "another controller took over", 1, 1),
                new Login("proof==", "node-a"),
                new LoginReport("host-a", "0.1.0", List.of("DISKLESS", "FILE", "FILE_THIN"),
                        Map.of("LVM", List.of("'vgs' is not installed", "'lvs' is not installed"))),
                sampleDesiredState(),
                new ObservedState(17, List.of(
                        new PoolObservation("pool-a", "FILE_THIN", 1024L, 4096L, 0L, List.of()),
                        new PoolObservation("pool-b", "FILE", null, null, null, List.of("Directory /x does not exist")))),
                new Ping(1_700_000_000_000L),
                new Pong(1_700_000_000_001L));
    }

    @ParameterizedTest
    @MethodSource("everyMessageType")
    void everyMessageTypeRoundTrips(LinkMessage message) throws IOException {
        assertThat(LinkCodec.read(new ByteArrayInputStream(frameOf(message)))).isEqualTo(message);
    }

    @ParameterizedTest
    @MethodSource("everyMessageType")
    void theTypeFieldIsTheRecordName(LinkMessage message) {
        String json = new String(LinkCodec.encode(message), StandardCharsets.UTF_8);
        assertThat(json).startsWith("{\"type\":\"" + message.getClass().getSimpleName() + "\"");
    }

    @Test
    void theSamplesCoverEveryMessageTypeAndRefusalKind() {
        Set<Class<?>> covered = everyMessageType().map(Object::getClass).collect(Collectors.toSet());
        assertThat(covered).containsExactlyInAnyOrder(LinkMessage.class.getPermittedSubclasses());
        Set<RefusalKind> kinds = everyMessageType().filter(Refused.class::isInstance)
                .map(message -> ((Refused) message).kind()).collect(Collectors.toSet());
        assertThat(kinds).isEqualTo(EnumSet.allOf(RefusalKind.class));
    }

    // ---- refusals ----

    @Test
    void aWrongMagicIsAProtocolError() {
        byte[] http = "GET / HTTP/1.1\r\nHost: satellite\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> LinkCodec.read(new ByteArrayInputStream(http)))
                .isInstanceOf(LinkProtocolException.class)
                .hasMessageContaining("bad frame magic 0x47455420")
                .hasMessageContaining("does not speak the Tandem link");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE, LinkCodec.MAX_PAYLOAD + 1, Integer.MAX_VALUE})
    void aLengthOutOfRangeIsAProtocolErrorBeforeAnyPayloadIsRead(int length) {
        // only the header is there: a codec that allocated or read the payload first would hit
        // OutOfMemoryError or EOFException instead
        byte[] header = ByteBuffer.allocate(8).putInt(LinkCodec.MAGIC).putInt(length).array();
        assertThatThrownBy(() -> LinkCodec.read(new ByteArrayInputStream(header)))
                .isInstanceOf(LinkProtocolException.class)
                .hasMessage("frame length " + length + " out of range 1.." + LinkCodec.MAX_PAYLOAD);
    }

    @Test
    void aPayloadOfExactlyTheLimitIsAccepted() throws IOException {
        int overhead = LinkCodec.encode(new Refused(RefusalKind.AUTHENTICATION, "", 1, 1)).length;
        Refused largest = new Refused(RefusalKind.AUTHENTICATION, "x".repeat(LinkCodec.MAX_PAYLOAD - overhead), 1, 1);
        byte[] frame = frameOf(largest);
        assertThat(frame).hasSize(8 + LinkCodec.MAX_PAYLOAD);
        assertThat(LinkCodec.read(new ByteArrayInputStream(frame))).isEqualTo(largest);
    }

    @Test
    void writingAMessageOverTheLimitFailsAndWritesNothing() {
        int overhead = LinkCodec.encode(new Refused(RefusalKind.AUTHENTICATION, "", 1, 1)).length;
        Refused tooLarge = new Refused(RefusalKind.AUTHENTICATION,
                "x".repeat(LinkCodec.MAX_PAYLOAD - overhead + 1), 1, 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThatThrownBy(() -> LinkCodec.write(out, tooLarge))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exceeds the frame limit");
        assertThat(out.size()).isZero();
    }

    @Test
    void aTruncatedPayloadIsEof() {
        byte[] truncated = Arrays.copyOf(PING_42_FRAME, PING_42_FRAME.length - 1);
        assertThatThrownBy(() -> LinkCodec.read(new ByteArrayInputStream(truncated)))
                .isInstanceOf(EOFException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 4, 7})
    void aTruncatedHeaderIsEof(int headerBytes) {
        byte[] truncated = Arrays.copyOf(PING_42_FRAME, headerBytes);
        assertThatThrownBy(() -> LinkCodec.read(new ByteArrayInputStream(truncated)))
                .isInstanceOf(EOFException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "hello, satellite",
            "{\"type\":\"Ping\",\"sentAtMillis\":",
            "{\"type\":\"Ping\",\"sentAtMillis\":\"soon\"}",
            "[\"Ping\", 1]",
            "\"Ping\"",
            "42",
            "null",
            "{}",
            "{\"sentAtMillis\":1}",
            "{\"type\":null}",
            "{\"type\":\"Refused\",\"kind\":\"TOO_TIRED\"}"})
    void aPayloadThatIsNotALinkMessageIsAProtocolError(String payload) {
        assertThatThrownBy(() -> LinkCodec.read(new ByteArrayInputStream(frameOfPayload(payload))))
                .isInstanceOf(LinkProtocolException.class)
                .hasMessageStartingWith("not a link message");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Shutdown", "ping", "LinkMessage", "NodeState", "PoolSpec"})
    void anUnknownTypeIsAProtocolError(String type) {
        String payload = "{\"type\":\"" + type + "\",\"sentAtMillis\":1}";
        assertThatThrownBy(() -> LinkCodec.read(new ByteArrayInputStream(frameOfPayload(payload))))
                .isInstanceOf(LinkProtocolException.class)
                .hasMessageStartingWith("not a link message")
                .hasMessageContaining(type);
    }

    @Test
    void aPayloadThatIsNotUtf8IsAProtocolError() {
        byte[] payload = {'{', '"', 't', 'y', 'p', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        byte[] frame = concat(ByteBuffer.allocate(8).putInt(LinkCodec.MAGIC).putInt(payload.length).array(), payload);
        assertThatThrownBy(() -> LinkCodec.read(new ByteArrayInputStream(frame)))
                .isInstanceOf(LinkProtocolException.class);
    }

    // ---- forward compatibility ----

    @Test
    void unknownFieldsFromANewerPeerAreIgnored() throws IOException {
        String payload = """
                {"type":"Hello","minVersion":1,"maxVersion":4,"controllerNonce":"bm9uY2U=",
                 "controllerId":"c1","features":["compression"],"cluster":{"name":"x","epoch":3}}""";
        assertThat(LinkCodec.read(new ByteArrayInputStream(frameOfPayload(payload))))
                .isEqualTo(new Hello(1, 4, "bm9uY2U=", "c1"));
    }

    @Test
    void unknownFieldsInNestedRecordsAreIgnored() throws IOException {
        String payload = """
                {"type":"DesiredState","version":9,"state":{"nodeName":"n1","zone":"a",
                 "pools":[{"name":"p","providerKind":"FILE","props":{},"encryption":true}]}}""";
        assertThat(LinkCodec.read(new ByteArrayInputStream(frameOfPayload(payload))))
                .isEqualTo(new DesiredState(9, new NodeState("n1", List.of(new PoolSpec("p", "FILE", Map.of())))));
    }

    @Test
    void theTypeFieldNeedNotComeFirst() throws IOException {
        assertThat(LinkCodec.read(new ByteArrayInputStream(frameOfPayload("{\"sentAtMillis\":5,\"type\":\"Pong\"}"))))
                .isEqualTo(new Pong(5));
    }

    // ---- helpers ----

    static DesiredState sampleDesiredState() {
        return new DesiredState(3, new NodeState("node-a", List.of(
                new PoolSpec("pool-a", "FILE_THIN", Map.of("StorDriver/FileDir", "/var/lib/tandem/pool-a")),
                new PoolSpec("DfltDisklessStorPool", "DISKLESS", Map.of()))));
    }

    static byte[] frameOf(LinkMessage message) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LinkCodec.write(out, message);
        return out.toByteArray();
    }

    private static byte[] frameOfPayload(String json) {
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        return concat(ByteBuffer.allocate(8).putInt(LinkCodec.MAGIC).putInt(payload.length).array(), payload);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    /** Hands out at most the next slice size per read, cycling through the sizes, like a slow network. */
    private static final class SlicedInputStream extends InputStream {
        private final byte[] bytes;
        private final int[] sliceSizes;
        private int position;
        private int reads;

        SlicedInputStream(byte[] bytes, int[] sliceSizes) {
            this.bytes = bytes;
            this.sliceSizes = sliceSizes;
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            if (position >= bytes.length) {
                return -1;
            }
            int slice = Math.max(1, sliceSizes[reads++ % sliceSizes.length]);
            int count = Math.min(Math.min(length, slice), bytes.length - position);
            System.arraycopy(bytes, position, buffer, offset, count);
            position += count;
            return count;
        }
    }
}
