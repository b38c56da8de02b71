package io.tandem.controller.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Net interface addresses are IP literals; a host name is never resolved. */
class IpAddressUnitTest {

    // ---- IPv4: a naive oracle for the dotted-decimal form, no leading zeros ----

    private static final Pattern DECIMAL = Pattern.compile("0|[1-9][0-9]{0,2}");

    static boolean isDottedQuad(String address) {
        String[] parts = address.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (!DECIMAL.matcher(part).matches() || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    @Property(tries = 2000)
    void ipv4IsExactlyTheDottedQuad(@ForAll("ipv4Candidates") String address) {
        assertThat(IpAddress.isLiteral(address)).isEqualTo(isDottedQuad(address));
    }

    @Provide
    Arbitrary<String> ipv4Candidates() {
        Arbitrary<String> octet = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(0, 300).map(String::valueOf)),
                Tuple.of(1, Arbitraries.strings().withChars("0123456789").ofMinLength(0).ofMaxLength(4)),
                Tuple.of(1, Arbitraries.of("00", "01", "-1", "+1", "1a", " 1", "0x1")));
        Arbitrary<String> dotted = octet.list().ofMinSize(3).ofMaxSize(5).map(parts -> String.join(".", parts));
        Arbitrary<String> noise = Arbitraries.strings().withChars("0123456789.").ofMaxLength(16);
        return Arbitraries.frequencyOf(Tuple.of(8, dotted), Tuple.of(2, noise));
    }

    // ---- IPv6: every address in every textual form is accepted ----

    @Property(tries = 1000)
    void everyIpv6AddressIsAcceptedInEveryForm(@ForAll @Size(16) List<Byte> bytes, @ForAll boolean upperCase) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes.get(2 * i) & 0xff) << 8) | (bytes.get(2 * i + 1) & 0xff);
        }
        for (String form : List.of(full(groups, false), full(groups, true), compressed(groups))) {
            String spelled = upperCase ? form.toUpperCase(Locale.ROOT) : form;
            assertThat(IpAddress.isLiteral(spelled)).as(spelled).isTrue();
        }
    }

    private static String full(int[] groups, boolean zeroPadded) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < groups.length; i++) {
            text.append(i == 0 ? "" : ":").append(zeroPadded ? "%04x".formatted(groups[i]) : Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    /** RFC 5952: the longest run of two or more zero groups becomes "::". */
    private static String compressed(int[] groups) {
        int bestStart = -1;
        int bestLength = 1;
        for (int start = 0; start < 8; start++) {
            int length = 0;
            while (start + length < 8 && groups[start + length] == 0) {
                length++;
            }
            if (length > bestLength) {
                bestStart = start;
                bestLength = length;
            }
        }
        if (bestStart < 0) {
            return full(groups, false);
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < bestStart; i++) {
            text.append(i == 0 ? "" : ":").append(Integer.toHexString(groups[i]));
        }
        text.append("::");
        for (int i = bestStart + bestLength; i < 8; i++) {
            text.append(i == bestStart + bestLength ? "" : ":").append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    // ---- anything at all: never an exception, never a host name ----

    @Property(tries = 2000)
    void anyStringIsAnsweredWithoutAnException(@ForAll("addressLike") String address) {
        boolean literal = IpAddress.isLiteral(address);
        if (literal) {
            assertThat(isDottedQuad(address) || address.contains(":")).as(address).isTrue();
            assertThat(Character.digit(address.charAt(0), 16) >= 0 || address.charAt(0) == ':').as(address).isTrue();
        }
    }

    @Provide
    Arbitrary<String> addressLike() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.strings().withChars("0123456789abcdefABCDEFg:.%").ofMaxLength(20)),
                Tuple.of(2, Arbitraries.strings().ofMaxLength(20)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "0.0.0.0", "255.255.255.255", "192.168.1.100", "::1", "::", "fe80::1",
        "2001:db8::8a2e:370:7334", "2001:DB8:0:0:0:0:0:1", "::ffff:10.0.0.1", "::10.0.0.1", "fe80::1%1"})
    void acceptsLiterals(String address) {
        assertThat(IpAddress.isLiteral(address)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "node1", "node1.example.com", "256.0.0.1", "10.0.0", "10.0.0.1.2",
        "010.0.0.1", "10.0.0.1:3366", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "g::1", ":", ".:", ".::1",
        "[::1]", "::1 ", " 10.0.0.1", "fe80::1%", "fe80::1%bad interface"})
    void refusesEverythingElse(String address) {
        assertThat(IpAddress.isLiteral(address)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {".:", ".::1", "..:", ".:."})
    void neverAsksTheResolver(String address) {
        // InetAddress.getByName resolves these as host names (they do not start like an IPv6
        // literal), so a hosts file or DNS entry could turn them into an "address"
        assertThat(startsLikeAnIpv6Literal(address)).isFalse();
        assertThat(IpAddress.isLiteral(address)).isFalse();
    }

    private static boolean startsLikeAnIpv6Literal(String address) {
        return Character.digit(address.charAt(0), 16) >= 0 || address.charAt(0) == ':';
    }

    @Test
    void nullIsNoLiteral() {
        assertThat(IpAddress.isLiteral(null)).isFalse();
    }
}
