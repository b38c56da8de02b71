package io.tandem.controller.rest;

import static io.tandem.controller.rest.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * LINSTOR's generic modify pattern (API.md §2.11): {@code override_props} sets, {@code delete_props}
 * removes (warning for keys that were not set), {@code delete_namespaces} removes a namespace and
 * everything below it; an invalid request changes nothing.
 */
class PropsModifyUnitTest {
    private static final Map<String, String> REFS = Map.of("Node", "n1");

    // ---- the oracle: a naive re-implementation of the documented semantics ----

    record Expected(Map<String, String> props, List<String> warnedKeys) {
    }

    static boolean isUnder(String key, String namespace) {
        String name = namespace.endsWith("/") ? namespace.substring(0, namespace.length() - 1) : namespace;
        return key.equals(name) || key.startsWith(name + "/");
    }

    static Expected oracle(Map<String, String> before, PropsModify modify) {
        Map<String, String> after = new TreeMap<>();
        List<String> warned = new ArrayList<>();
        for (String key : modify.deleteProps()) {
            if (!before.containsKey(key) && !warned.contains(key)) {
                warned.add(key);
            }
        }
        before.forEach((key, value) -> {
            boolean deleted = modify.deleteProps().contains(key)
                    || modify.deleteNamespaces().stream().anyMatch(ns -> isUnder(key, ns));
            if (!deleted) {
                after.put(key, value);
            }
        });
        after.putAll(modify.overrideProps());
        return new Expected(after, warned);
    }

    // ---- generators: a small key universe so that sets, deletes and namespaces collide often ----

    private static Arbitrary<String> keys() {
        return Arbitraries.of("a", "b", "Aux", "Aux/a", "Aux/b", "Aux/sub/a", "Aux/subway", "Drbd/a", "Drbd/Net/b");
    }

    private static Arbitrary<String> namespaces() {
        return Arbitraries.of("Aux", "Aux/", "Aux/sub", "Aux/sub/", "Aux/s", "Drbd", "Drbd/Net", "a", "Nothing");
    }

    @Provide
    Arbitrary<Map<String, String>> props() {
        return Arbitraries.maps(keys(), Arbitraries.strings().withChars("xyz").ofMaxLength(2)).ofMaxSize(6);
    }

    @Provide
    Arbitrary<PropsModify> modifications() {
        Arbitrary<Map<String, String>> overrides = Arbitraries.maps(keys(), Arbitraries.strings().withChars("vw")
                .ofMaxLength(2)).ofMaxSize(3);
        return Combinators.combine(overrides, keys().list().ofMaxSize(4), namespaces().list().ofMaxSize(3))
                .as(PropsModify::new);
    }

    @Provide
    Arbitrary<String> invalidKeys() {
        return Arbitraries.of("", "/Aux", "Aux//a", "a b", "Aux/\t", "k".repeat(257));
    }

    // ---- properties ----

    @Property(tries = 1000)
    void applyToEqualsTheNaiveOracle(@ForAll("props") Map<String, String> props,
                                     @ForAll("modifications") PropsModify modify) {
        Map<String, String> actual = new HashMap<>(props);
        boolean setAndDeleted = modify.deleteProps().stream().anyMatch(modify.overrideProps()::containsKey);
        if (setAndDeleted) {
            assertRefused(() -> modify.applyTo(actual, RetCode.MASK_NODE, REFS), RetCode.FAIL_INVLD_PROP);
            assertThat(actual).isEqualTo(props);
            return;
        }
        Expected expected = oracle(props, modify);

        List<ApiCallRc> warnings = modify.applyTo(actual, RetCode.MASK_NODE, REFS);

        assertThat(actual).isEqualTo(expected.props());
        assertThat(warnings).hasSameSizeAs(expected.warnedKeys());
        for (int i = 0; i < warnings.size(); i++) {
            ApiCallRc warning = warnings.get(i);
            assertThat(warning.retCode()).isEqualTo(RetCode.WARN_DEL_UNSET_PROP | RetCode.MASK_NODE);
            assertThat(warning.retCode() & RetCode.MASK_SEVERITY).isEqualTo(RetCode.MASK_WARN);
            assertThat(warning.message()).contains("'" + expected.warnedKeys().get(i) + "'");
            assertThat(warning.objRefs()).isEqualTo(REFS);
        }
    }

    @Property(tries = 300)
    void anInvalidPartChangesNothing(@ForAll("props") Map<String, String> props,
                                     @ForAll("modifications") PropsModify valid,
                                     @ForAll("invalidKeys") String invalid,
                                     @ForAll("where") int where) {
        Map<String, String> overrides = new LinkedHashMap<>(valid.overrideProps());
        List<String> deletes = new ArrayList<>(valid.deleteProps());
        List<String> namespaces = new ArrayList<>(valid.deleteNamespaces());
        switch (where) {
            case 0 -> overrides.put(invalid, "v");
            case 1 -> overrides.put("Aux/a", null);
            case 2 -> overrides.put("Aux/a", "v".repeat(PropertyKey.MAX_VALUE_LENGTH + 1));
            case 3 -> deletes.add(invalid);
            case 4 -> namespaces.add(invalid);
            default -> throw new IllegalArgumentException("where=" + where);
        }
        PropsModify modify = new PropsModify(overrides, deletes, namespaces);
        Map<String, String> actual = new HashMap<>(props);

        assertRefused(() -> modify.applyTo(actual, RetCode.MASK_NODE, REFS), RetCode.FAIL_INVLD_PROP);
        assertRefused(() -> modify.validate(REFS), RetCode.FAIL_INVLD_PROP);

        assertThat(actual).isEqualTo(props);
    }

    @Provide
    Arbitrary<Integer> where() {
        return Arbitraries.integers().between(0, 4);
    }

    @Property(tries = 300)
    void applyingTwiceChangesNothingMore(@ForAll("props") Map<String, String> props,
                                        @ForAll("modifications") PropsModify modify) {
        if (modify.deleteProps().stream().anyMatch(modify.overrideProps()::containsKey)) {
            return;
        }
        Map<String, String> once = new HashMap<>(props);
        modify.applyTo(once, RetCode.MASK_NODE, REFS);
        Map<String, String> twice = new HashMap<>(once);
        modify.applyTo(twice, RetCode.MASK_NODE, REFS);
        assertThat(twice).isEqualTo(once);
    }

    // ---- examples ----

    @Test
    void overrideSetsAndReplaces() {
        Map<String, String> props = new HashMap<>(Map.of("Aux/site", "old"));
        List<ApiCallRc> warnings = new PropsModify(Map.of("Aux/site", "new", "Aux/rack", "7"), null, null)
                .applyTo(props, RetCode.MASK_NODE, REFS);
        assertThat(props).containsExactlyInAnyOrderEntriesOf(Map.of("Aux/site", "new", "Aux/rack", "7"));
        assertThat(warnings).isEmpty();
    }

    @Test
    void deletingAnUnsetKeyWarnsOnceAndSucceeds() {
        Map<String, String> props = new HashMap<>(Map.of("Aux/site", "a"));
        List<ApiCallRc> warnings = new PropsModify(null, List.of("Aux/gone", "Aux/site", "Aux/gone"), null)
                .applyTo(props, RetCode.MASK_STOR_POOL, REFS);
        assertThat(props).isEmpty();
        assertThat(warnings).singleElement().satisfies(warning -> {
            assertThat(warning.retCode()).isEqualTo(RetCode.WARN_DEL_UNSET_PROP | RetCode.MASK_STOR_POOL);
            assertThat(RetCode.isError(warning.retCode())).isFalse();
            assertThat(warning.message()).contains("Aux/gone");
        });
    }

    @Test
    void deleteNamespaceRemovesTheNamespaceAndEverythingBelowItOnly() {
        Map<String, String> props = new HashMap<>(Map.of(
                "Aux", "1", "Aux/a", "2", "Aux/sub/b", "3", "Auxiliary", "4", "Drbd/Aux/c", "5"));
        List<ApiCallRc> warnings = new PropsModify(null, null, List.of("Aux")).applyTo(props, RetCode.MASK_NODE, REFS);
        assertThat(props).containsOnlyKeys("Auxiliary", "Drbd/Aux/c");
        assertThat(warnings).isEmpty();
    }

    @Test
    void deleteNamespaceMayEndWithASlash() {
        Map<String, String> props = new HashMap<>(Map.of("Aux/a", "1", "Aux/sub/b", "2", "Drbd/x", "3"));
        new PropsModify(null, null, List.of("Aux/")).applyTo(props, RetCode.MASK_NODE, REFS);
        assertThat(props).containsOnlyKeys("Drbd/x");
    }

    @Test
    void overrideWinsOverADeletedNamespace() {
        Map<String, String> props = new HashMap<>(Map.of("Aux/a", "1", "Aux/b", "2"));
        new PropsModify(Map.of("Aux/a", "new"), null, List.of("Aux")).applyTo(props, RetCode.MASK_NODE, REFS);
        assertThat(props).containsExactlyEntriesOf(Map.of("Aux/a", "new"));
    }

    @Test
    void settingAndDeletingTheSameKeyIsRefused() {
        Map<String, String> props = new HashMap<>(Map.of("Aux/a", "1"));
        ApiCallRc entry = assertRefused(() -> new PropsModify(Map.of("Aux/a", "2"), List.of("Aux/a"), null)
                .applyTo(props, RetCode.MASK_NODE, REFS), RetCode.FAIL_INVLD_PROP);
        assertThat(entry.message()).contains("Aux/a");
        assertThat(props).containsExactlyEntriesOf(Map.of("Aux/a", "1"));
    }

    @Test
    void nullsMeanNothingAndInputsAreCopied() {
        assertThat(new PropsModify(null, null, null).isEmpty()).isTrue();
        Map<String, String> overrides = new HashMap<>(Map.of("a", "1"));
        List<String> deletes = new ArrayList<>(List.of("b"));
        PropsModify modify = new PropsModify(overrides, deletes, null);
        overrides.put("c", "3");
        deletes.add("d");
        assertThat(modify.overrideProps()).containsOnlyKeys("a");
        assertThat(modify.deleteProps()).containsExactly("b");
        assertThat(modify.isEmpty()).isFalse();
    }
}
