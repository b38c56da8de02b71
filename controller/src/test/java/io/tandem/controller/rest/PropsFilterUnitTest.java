package io.tandem.controller.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/** LINSTOR's {@code props=} filter: {@code key=value} needs that value, {@code key} needs the key set; all must hold. */
class PropsFilterUnitTest {

    /** The oracle: each entry split at its first '=' into a key and an expected value. */
    static boolean oracle(List<String> entries, Map<String, String> props) {
        return entries.stream()
                .filter(entry -> entry != null && !entry.isBlank())
                .allMatch(entry -> {
                    String[] parts = entry.split("=", 2);
                    return parts.length == 1 ? props.containsKey(parts[0]) : parts[1].equals(props.get(parts[0]));
                });
    }

    @Provide
    Arbitrary<Map<String, String>> props() {
        return Arbitraries.maps(Arbitraries.of("Aux/a", "Aux/b", "c"), Arbitraries.of("", "x", "y", "x=y"))
                .ofMaxSize(3);
    }

    @Provide
    Arbitrary<List<String>> entries() {
        Arbitrary<String> entry = Arbitraries.of("Aux/a", "Aux/b", "c", "d", "Aux/a=", "Aux/a=x", "Aux/b=y", "c=x=y",
                "c=x", "d=x", "=x", "=", "", " ", "Aux/a =x");
        return Arbitraries.frequencyOf(
                Tuple.of(9, entry.list().ofMaxSize(3)),
                Tuple.of(1, entry.injectNull(0.5).list().ofMaxSize(3)));
    }

    @Property(tries = 2000)
    void matchesEqualsTheOracle(@ForAll("entries") List<String> entries, @ForAll("props") Map<String, String> props) {
        assertThat(new PropsFilter(entries).matches(props)).isEqualTo(oracle(entries, props));
    }

    @Property(tries = 200)
    void noEntriesMatchEverything(@ForAll("props") Map<String, String> props) {
        assertThat(new PropsFilter(null).matches(props)).isTrue();
        assertThat(new PropsFilter(List.of()).matches(props)).isTrue();
        assertThat(new PropsFilter(Arrays.asList("", null, "  ")).matches(props)).isTrue();
    }

    @Test
    void examples() {
        Map<String, String> props = Map.of("Aux/site", "a", "Aux/empty", "", "Aux/eq", "k=v");
        assertThat(new PropsFilter(List.of("Aux/site=a")).matches(props)).isTrue();
        assertThat(new PropsFilter(List.of("Aux/site=b")).matches(props)).isFalse();
        assertThat(new PropsFilter(List.of("Aux/site")).matches(props)).isTrue();
        assertThat(new PropsFilter(List.of("Aux/rack")).matches(props)).isFalse();
        assertThat(new PropsFilter(List.of("Aux/empty=")).matches(props)).isTrue();
        assertThat(new PropsFilter(List.of("Aux/site=")).matches(props)).isFalse();
        assertThat(new PropsFilter(List.of("Aux/eq=k=v")).matches(props)).isTrue();
        assertThat(new PropsFilter(List.of("Aux/site=a", "Aux/rack")).matches(props)).isFalse();
    }

    @Test
    void entriesAreCopied() {
        List<String> entries = new ArrayList<>(List.of("Aux/site"));
        PropsFilter filter = new PropsFilter(entries);
        entries.add("Aux/other");
        assertThat(filter.matches(Map.of("Aux/site", "a"))).isTrue();
    }
}
