package io.tandem.controller.rest;

import static io.tandem.controller.rest.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Property keys: '/'-separated namespaces ending in a name, printable, at most 256 characters. */
class PropertyKeyUnitTest {
    private static final Map<String, String> REFS = Map.of("Node", "n1");

    /** The documented rule, as a naive oracle. */
    static boolean oracleAccepts(String key) {
        if (key == null || key.isEmpty() || key.length() > 256) {
            return false;
        }
        for (String part : key.split("/", -1)) {
            if (part.isEmpty()) {
                return false;
            }
        }
        return key.chars().noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c));
    }

    @Property(tries = 2000)
    void acceptsExactlyTheDocumentedKeys(@ForAll("candidateKeys") String key) {
        if (oracleAccepts(key)) {
            assertThatNoException().isThrownBy(() -> PropertyKey.validate(key, REFS));
        } else {
            ApiCallRc entry = assertRefused(() -> PropertyKey.validate(key, REFS), RetCode.FAIL_INVLD_PROP);
            assertThat(entry.objRefs()).isEqualTo(REFS);
        }
    }

    @Provide
    Arbitrary<String> candidateKeys() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.strings().withChars("aB9/-_.").ofMinLength(0).ofMaxLength(12)),
                Tuple.of(1, Arbitraries.strings().withChars("a/ \t\n\u0000\u00a0\u2028é").ofMinLength(1).ofMaxLength(6)),
                Tuple.of(1, Arbitraries.strings().withChars("ab/").ofMinLength(250).ofMaxLength(260)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Aux/site", "StorDriver/FileDir", "DrbdOptions/Resource/quorum", "x", "Aux/ä-ö", "a.b:c"})
    void acceptsKeys(String key) {
        assertThatNoException().isThrownBy(() -> PropertyKey.validate(key, Map.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/Aux", "Aux/", "Aux//site", "/", "Aux/my site", "Aux/\tx", "Aux/\u0000"})
    void refusesKeys(String key) {
        assertRefused(() -> PropertyKey.validate(key, Map.of()), RetCode.FAIL_INVLD_PROP);
    }

    @Test
    void keyLengthLimitIsInclusive() {
        assertThatNoException().isThrownBy(() -> PropertyKey.validate("k".repeat(256), Map.of()));
        assertRefused(() -> PropertyKey.validate("k".repeat(257), Map.of()), RetCode.FAIL_INVLD_PROP);
    }

    @Test
    void missingKeyIsRefused() {
        ApiCallRc entry = assertRefused(() -> PropertyKey.validate(null, Map.of()), RetCode.FAIL_INVLD_PROP);
        assertThat(entry.message()).contains("missing");
    }

    @Test
    void entryNeedsAValueOfAtMost65535Characters() {
        assertThatNoException().isThrownBy(() -> PropertyKey.validateEntry("Aux/a", "", Map.of()));
        assertThatNoException().isThrownBy(() -> PropertyKey.validateEntry("Aux/a", "v".repeat(65535), Map.of()));
        assertRefused(() -> PropertyKey.validateEntry("Aux/a", "v".repeat(65536), Map.of()), RetCode.FAIL_INVLD_PROP);
        assertRefused(() -> PropertyKey.validateEntry("Aux/a", null, Map.of()), RetCode.FAIL_INVLD_PROP);
        assertRefused(() -> PropertyKey.validateEntry("Aux//a", "v", Map.of()), RetCode.FAIL_INVLD_PROP);
    }
}
