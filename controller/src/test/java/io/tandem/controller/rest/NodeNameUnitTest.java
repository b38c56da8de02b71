package io.tandem.controller.rest;

import static io.tandem.controller.rest.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Node names: RFC 1123 host names (API.md §2.12, linstor-server {@code Checks.hostNameCheck}). */
class NodeNameUnitTest {

    // ---- the oracle, written from API.md §2.12 plus RFC 1123 §2.1, not from NodeName ----

    private static final Pattern HOST_CHARS = Pattern.compile("[A-Za-z0-9.-]+");
    private static final Pattern RFC1123_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?");

    /** What LINSTOR's hostNameCheck accepts, as API.md §2.12 states it. */
    static boolean linstorAccepts(String name) {
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < 2 || bytes > 255 || !HOST_CHARS.matcher(name).matches()) {
            return false;
        }
        if (name.startsWith(".") || name.startsWith("-") || name.endsWith("-")) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (label.length() > 63) {
                return false;
            }
        }
        return true;
    }

    /** Tandem is stricter than LINSTOR: every label must itself be an RFC 1123 label (no empty labels). */
    static boolean oracleAccepts(String name) {
        if (!linstorAccepts(name)) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (!RFC1123_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    @Property(tries = 2000)
    void acceptsExactlyTheHostNamesTheOracleAccepts(@ForAll("candidateHostNames") String name) {
        if (oracleAccepts(name)) {
            assertThat(new NodeName(name).value()).isEqualTo(name);
        } else {
            assertRefused(() -> new NodeName(name), RetCode.FAIL_INVLD_NODE_NAME);
        }
    }

    @Property(tries = 500)
    void arbitraryUnicodeNeverBreaksValidation(@ForAll String name) {
        assertThat(Refusals.isRefused(() -> new NodeName(name))).isEqualTo(!oracleAccepts(name));
    }

    @Property(tries = 500)
    void keyIsCaseInsensitiveAndValueCasePreserving(@ForAll("validHostNames") String name) {
        NodeName lower = new NodeName(name.toLowerCase(Locale.ROOT));
        NodeName upper = new NodeName(name.toUpperCase(Locale.ROOT));
        NodeName given = new NodeName(name);
        assertThat(given.key()).isEqualTo(lower.key()).isEqualTo(upper.key());
        assertThat(given.value()).isEqualTo(name);
        assertThat(given.toString()).isEqualTo(name);
    }

    @Provide
    Arbitrary<String> validHostNames() {
        return candidateHostNames().filter(NodeNameUnitTest::oracleAccepts);
    }

    /** Labels joined by dots, with label lengths around 63 and total lengths around 255. */
    @Provide
    Arbitrary<String> candidateHostNames() {
        Arbitrary<String> label = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.strings().withChars("ab9Z-").ofMinLength(0).ofMaxLength(8)),
                Tuple.of(2, Arbitraries.strings().withChars("xY1-").ofMinLength(60).ofMaxLength(66)),
                Tuple.of(1, Arbitraries.strings().withChars("a_ é/:\u0000").ofMinLength(1).ofMaxLength(3)));
        Arbitrary<String> dotted = label.list().ofMinSize(1).ofMaxSize(6).map(labels -> String.join(".", labels));
        Arbitrary<String> long255 = Arbitraries.strings().withChars("abc").ofLength(62).list().ofSize(5)
                .map(labels -> String.join(".", labels))
                .flatMap(base -> Arbitraries.integers().between(250, 260).map(n -> base.substring(0, n)));
        return Arbitraries.frequencyOf(Tuple.of(9, dotted), Tuple.of(1, long255));
    }

    @ParameterizedTest
    @ValueSource(strings = {"n1", "1node", "node-1", "Node-1.Example.COM", "a.b", "10.0.0.1", "x--y"})
    void acceptsHostNames(String name) {
        assertThat(new NodeName(name).value()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "-node", "node-", ".node", "node_1", "node 1", "nöde", "a:b"})
    void refusesWhatLinstorRefuses(String name) {
        assertThat(linstorAccepts(name)).isFalse();
        ApiCallRc entry = assertRefused(() -> new NodeName(name), RetCode.FAIL_INVLD_NODE_NAME);
        assertThat(entry.message()).contains(name);
    }

    /**
     * LINSTOR only checks the first and last character of the whole name; Tandem applies RFC 1123
     * to every label. These names pass LINSTOR's check and are refused here.
     */
    @ParameterizedTest
    @ValueSource(strings = {"node.", "a..b", "a-.b", "a.-b"})
    void isStricterThanLinstorAboutLabels(String name) {
        assertThat(linstorAccepts(name)).isTrue();
        assertRefused(() -> new NodeName(name), RetCode.FAIL_INVLD_NODE_NAME);
    }

    @Test
    void lengthLimits() {
        String label63 = "a".repeat(63);
        assertThat(new NodeName(label63).value()).isEqualTo(label63);
        assertRefused(() -> new NodeName("a".repeat(64)), RetCode.FAIL_INVLD_NODE_NAME);
        String name255 = (label63 + ".").repeat(4).substring(0, 255);
        assertThat(new NodeName(name255).value()).hasSize(255);
        String name256 = String.join(".", label63, label63, label63, "a".repeat(62), "b");
        assertThat(name256).hasSize(256);
        assertRefused(() -> new NodeName(name256), RetCode.FAIL_INVLD_NODE_NAME);
    }

    @Test
    void missingNameIsRefused() {
        assertRefused(() -> new NodeName(null), RetCode.FAIL_INVLD_NODE_NAME);
        assertRefused(() -> new NodeName(""), RetCode.FAIL_INVLD_NODE_NAME);
    }
}
