package io.tandem.controller.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Repeated name filters ({@code nodes=a&nodes=b}, also {@code nodes=a,b}): case-insensitive, empty means all. */
class NameFilterUnitTest {

    /** The oracle: every comma-separated, trimmed, non-empty piece names a wanted object; none means all. */
    static boolean oracle(List<String> filter, String name) {
        Set<String> wanted = filter == null ? Set.of() : filter.stream()
                .filter(entry -> entry != null)
                .flatMap(entry -> Arrays.stream(entry.split(",", -1)))
                .map(String::trim)
                .filter(piece -> !piece.isEmpty())
                .map(piece -> piece.toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
        return wanted.isEmpty() || wanted.contains(name.toLowerCase(Locale.ROOT));
    }

    @Provide
    Arbitrary<List<String>> filters() {
        Arbitrary<String> entry = Arbitraries.of("n1", "N1", "n2", " n2 ", "n1,n2", "n3,", ",", " , ", "", "  ",
                "n1,,n3", "N3");
        return entry.injectNull(0.05).list().ofMaxSize(3).injectNull(0.05);
    }

    @Property(tries = 2000)
    void matchesEqualsTheOracle(@ForAll("filters") List<String> filter,
                                @ForAll("names") String name) {
        assertThat(NameFilter.of(filter).matches(name)).isEqualTo(oracle(filter, name));
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.of("n1", "N1", "n2", "n3", "n4");
    }

    @Test
    void examples() {
        assertThat(NameFilter.of(null).matches("anything")).isTrue();
        assertThat(NameFilter.of(List.of()).matches("anything")).isTrue();
        assertThat(NameFilter.of(List.of("Alpha")).matches("ALPHA")).isTrue();
        assertThat(NameFilter.of(List.of("alpha", "beta")).matches("Beta")).isTrue();
        assertThat(NameFilter.of(List.of("alpha,beta")).matches("gamma")).isFalse();
        assertThat(NameFilter.of(List.of(" , ")).matches("gamma")).as("only blank pieces: no filter").isTrue();
    }
}
