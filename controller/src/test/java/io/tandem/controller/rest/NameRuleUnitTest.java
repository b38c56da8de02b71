package io.tandem.controller.rest;

import static io.tandem.controller.rest.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.controller.rest.Refusals.Family;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** LINSTOR's identifier names (API.md §2.12, linstor-server {@code Checks.nameCheck}). */
class NameRuleUnitTest {

    // ---- the oracle, written from API.md §2.12, not from NameRule ----

    private static final Pattern CHARSET = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
    private static final Pattern A_LETTER = Pattern.compile("[A-Za-z]");

    /** Length range in bytes per kind (API.md §2.12; key-value stores: linstor-server KeyValueStoreName). */
    private static int[] lengthRange(NameRule rule) {
        return switch (rule) {
            case RESOURCE, RESOURCE_GROUP, SNAPSHOT, KEY_VALUE_STORE -> new int[] {2, 48};
            case STORAGE_POOL -> new int[] {3, 48};
            case NET_INTERFACE -> new int[] {3, 32};
        };
    }

    static boolean oracleAccepts(NameRule rule, String name) {
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        int[] range = lengthRange(rule);
        boolean reserved = rule == NameRule.RESOURCE
                && (name.equalsIgnoreCase("all") || name.equalsIgnoreCase("proxy"));
        return bytes >= range[0] && bytes <= range[1]
                && CHARSET.matcher(name).matches()
                && A_LETTER.matcher(name).find()
                && !reserved;
    }

    // ---- properties ----

    @Property(tries = 3000)
    void acceptsExactlyWhatTheSpecAccepts(@ForAll NameRule rule, @ForAll("candidateNames") String name) {
        boolean expected = oracleAccepts(rule, name);
        if (expected) {
            assertThat(rule.validate(name)).isEqualTo(name);
        } else {
            assertRefused(() -> rule.validate(name), Family.INVALID);
        }
    }

    @Property(tries = 500)
    void arbitraryUnicodeNeverBreaksValidation(@ForAll NameRule rule, @ForAll String name) {
        // any string: accepted exactly as the oracle says, otherwise a proper 400, never another exception
        assertThat(Refusals.isRefused(() -> rule.validate(name))).isEqualTo(!oracleAccepts(rule, name));
    }

    @Property(tries = 300)
    void lengthLimitsAreInclusive(@ForAll NameRule rule, @ForAll("nameCharacters") String filler) {
        int[] range = lengthRange(rule);
        String longest = ("a" + filler.repeat(range[1])).substring(0, range[1]);
        String shortest = longest.substring(0, range[0]);
        assertThat(rule.validate(longest)).isEqualTo(longest);
        assertThat(rule.validate(shortest)).isEqualTo(shortest);
        assertRefused(() -> rule.validate(longest + "a"), Family.INVALID);
        assertRefused(() -> rule.validate(shortest.substring(1)), Family.INVALID);
    }

    @Provide
    Arbitrary<String> nameCharacters() {
        return Arbitraries.strings().withChars("bcXYZ_-09").ofMinLength(1).ofMaxLength(3);
    }

    /** Mostly near-valid names, so both sides of every rule are exercised often. */
    @Provide
    Arbitrary<String> candidateNames() {
        Arbitrary<String> plausible = Arbitraries.strings().withChars("aqzAQZ019_-").ofMinLength(0).ofMaxLength(52);
        Arbitrary<String> odd = Arbitraries.strings()
                .withChars("aZ0_-. /:@éß\u0000\t\n😀")
                .ofMinLength(0).ofMaxLength(50);
        Arbitrary<String> reserved = Arbitraries.of("all", "ALL", "All", "proxy", "PROXY", "pRoXy", "alll", "proxy_",
                "_all");
        Arbitrary<String> noLetter = Arbitraries.strings().withChars("_-0123456789").ofMinLength(1).ofMaxLength(50);
        return Arbitraries.frequencyOf(
                Tuple.of(6, plausible), Tuple.of(2, odd), Tuple.of(1, reserved), Tuple.of(1, noLetter));
    }

    // ---- examples that pin the interesting cases ----

    @ParameterizedTest
    @ValueSource(strings = {"r1", "_x", "Ab", "res-1_a", "__a", "x-", "a01234567890123456789012345678901234567890123456"})
    void acceptsResourceNames(String name) {
        assertThat(NameRule.RESOURCE.validate(name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "1abc", "-abc", "__", "_-_", "a b", "a.b", "a/b", "ä1", "all", "ALL", "Proxy",
        "a012345678901234567890123456789012345678901234567"})
    void refusesInvalidResourceNames(String name) {
        ApiCallRc entry = assertRefused(() -> NameRule.RESOURCE.validate(name), RetCode.MASK_ERROR | 202);
        assertThat(entry.message()).contains(name);
    }

    @Example
    void reservedWordsAreReservedOnlyForResources() {
        assertRefused(() -> NameRule.RESOURCE.validate("all"), Family.INVALID);
        assertThat(NameRule.SNAPSHOT.validate("all")).isEqualTo("all");
        assertThat(NameRule.KEY_VALUE_STORE.validate("proxy")).isEqualTo("proxy");
    }

    @ParameterizedTest
    @CsvSource({
        "RESOURCE,        -4611686018427387702", // FAIL_INVLD_RSC_NAME = 202 | MASK_ERROR
        "SNAPSHOT,        -4611686018427387686", // FAIL_INVLD_SNAPSHOT_NAME = 218
        "STORAGE_POOL,    -4611686018427387696", // FAIL_INVLD_STOR_POOL_NAME = 208
        "NET_INTERFACE,   -4611686018427387695", // FAIL_INVLD_NET_NAME = 209
        "KEY_VALUE_STORE, -4611686018427387681", // FAIL_INVLD_KVS_NAME = 223
    })
    void refusalCarriesLinstorsInvalidNameCode(NameRule rule, long retCode) {
        assertRefused(() -> rule.validate("-bad-"), retCode);
    }

    @ParameterizedTest
    @EnumSource(NameRule.class)
    void missingNameIsRefused(NameRule rule) {
        assertRefused(() -> rule.validate(null), Family.INVALID);
        assertRefused(() -> rule.validate(""), Family.INVALID);
    }

    @ParameterizedTest
    @EnumSource(NameRule.class)
    void controlCharactersAreShownEscapedInTheCause(NameRule rule) {
        ApiCallRc entry = assertRefused(() -> rule.validate("abc\u0007def"), Family.INVALID);
        assertThat(entry.cause()).contains("\\u0007").doesNotContain("\u0007");
    }

    @Property(tries = 50)
    void storagePoolNeedsThreeCharacters(@ForAll @IntRange(min = 0, max = 2) int length) {
        String name = "ab".substring(0, length);
        assertRefused(() -> NameRule.STORAGE_POOL.validate(name), RetCode.FAIL_INVLD_STOR_POOL_NAME);
    }
}
