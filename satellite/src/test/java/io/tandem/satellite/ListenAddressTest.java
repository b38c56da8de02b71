package io.tandem.satellite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.link.LinkProtocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --listen}: ADDRESS:PORT, [IPv6]:PORT, a bare IPv6 address, ADDRESS, :PORT. */
class ListenAddressTest {

    @ParameterizedTest(name = "{0} → {1} port {2}")
    @CsvSource({
            "127.0.0.1:3366,   127.0.0.1,   3366",
            "127.0.0.1:0,      127.0.0.1,   0",
            "10.1.2.3:65535,   10.1.2.3,    65535",
            "[::1]:4000,       ::1,         4000",
            "[fe80::1]:1,      fe80::1,     1",
            "[::]:3366,        ::,          3366"})
    void addressAndPort(String text, String address, int port) throws Exception {
        InetSocketAddress parsed = ListenAddress.parse(text);
        assertThat(parsed.getAddress()).isEqualTo(InetAddress.getByName(address));
        assertThat(parsed.getPort()).isEqualTo(port);
    }

    @ParameterizedTest
    @ValueSource(strings = {"::1", "fe80::1", "2001:db8::42"})
    void aBareIpv6AddressGetsTheDefaultPort(String text) throws Exception {
        InetSocketAddress parsed = ListenAddress.parse(text);
        assertThat(parsed.getAddress()).isEqualTo(InetAddress.getByName(text));
        assertThat(parsed.getPort()).isEqualTo(LinkProtocol.DEFAULT_PORT);
    }

    @Test
    void aBracketedIpv6AddressWithoutPortGetsTheDefaultPort() throws Exception {
        InetSocketAddress parsed = ListenAddress.parse("[::1]");
        assertThat(parsed.getAddress()).isEqualTo(InetAddress.getByName("::1"));
        assertThat(parsed.getPort()).isEqualTo(LinkProtocol.DEFAULT_PORT);
    }

    @Test
    void anAddressAloneGetsTheDefaultPort() throws Exception {
        InetSocketAddress parsed = ListenAddress.parse("127.0.0.1");
        assertThat(parsed.getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(parsed.getPort()).isEqualTo(LinkProtocol.DEFAULT_PORT);
    }

    @Test
    void aHostNameIsResolved() {
        InetSocketAddress parsed = ListenAddress.parse("localhost:3377");
        assertThat(parsed.isUnresolved()).isFalse();
        assertThat(parsed.getAddress().isLoopbackAddress()).isTrue();
        assertThat(parsed.getPort()).isEqualTo(3377);
    }

    @Test
    void aPortAloneListensOnEveryAddress() {
        InetSocketAddress parsed = ListenAddress.parse(":4000");
        assertThat(parsed.getAddress().isAnyLocalAddress()).isTrue();
        assertThat(parsed.getPort()).isEqualTo(4000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:99999", "127.0.0.1:65536", ":-1", "[::1]:70000"})
    void aPortOutOfRangeIsRefused(String text) {
        assertThatThrownBy(() -> ListenAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--listen '" + text + "': port ")
                .hasMessageEndingWith(" is outside 0..65535");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "127.0.0.1:abc  | 'abc' is not a port number",
            "127.0.0.1:     | '' is not a port number",
            "[::1]:         | '' is not a port number",
            "[::1]:http     | 'http' is not a port number",
            "host:33 66     | '33 66' is not a port number",
            "host:3366x     | '3366x' is not a port number"})
    void aPortThatIsNotANumberIsRefused(String text, String problem) {
        assertThatThrownBy(() -> ListenAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--listen '" + text + "': " + problem);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[::1", "[::1:3366", "["})
    void aMissingClosingBracketIsRefused(String text) {
        assertThatThrownBy(() -> ListenAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--listen '" + text + "': missing ']' after the IPv6 address");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[::1]3366", "[::1]x", "[::1] :3366", "[::1]]:3366"})
    void anythingButAPortAfterTheClosingBracketIsRefused(String text) {
        assertThatThrownBy(() -> ListenAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--listen '" + text + "': ")
                .hasMessageContaining("after ']'");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  "})
    void nothingIsRefusedWithAnExample(String text) {
        assertThatThrownBy(() -> ListenAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--listen needs ADDRESS:PORT, e.g. 127.0.0.1:3366");
    }
}
