package io.tandem.controller.rest;

import static io.tandem.controller.rest.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.controller.rest.Refusals.Family;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Negative;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * LINSTOR's paging (API.md §1.0): {@code limit}/{@code offset} apply only when {@code limit > 0};
 * {@code 0} means everything. golinstor always sends {@code limit=0&offset=0}.
 */
class PageUnitTest {

    /** A naive oracle: walk the list and keep what paging lets through. */
    static <T> List<T> oracle(List<T> items, int offset, int limit) {
        if (limit <= 0) {
            return items;
        }
        return IntStream.range(0, items.size())
                .filter(i -> i >= offset && i < (long) offset + limit)
                .mapToObj(items::get)
                .collect(Collectors.toList());
    }

    @Property(tries = 2000)
    void applyEqualsTheOracle(@ForAll @Size(max = 30) List<Integer> items,
                              @ForAll @IntRange(min = 0, max = 40) int offset,
                              @ForAll @IntRange(min = 0, max = 40) int limit) {
        assertThat(new Page(offset, limit).apply(items)).isEqualTo(oracle(items, offset, limit));
    }

    @Property(tries = 1000)
    void neverThrowsForAnyNonNegativeOffsetOrLimit(@ForAll @Size(max = 5) List<Integer> items,
                                                   @ForAll @IntRange(min = 0) int offset,
                                                   @ForAll @IntRange(min = 0) int limit) {
        // including offsets far past the end and offset + limit overflowing an int
        assertThat(new Page(offset, limit).apply(items)).isEqualTo(oracle(items, offset, limit));
    }

    @Property(tries = 200)
    void limitZeroIgnoresTheOffset(@ForAll @Size(max = 10) List<String> items, @ForAll @IntRange(min = 0) int offset) {
        assertThat(new Page(offset, 0).apply(items)).isEqualTo(items);
    }

    @Property(tries = 200)
    void negativeValuesAreRefused(@ForAll @Negative int negative, @ForAll @IntRange(min = 0) int other) {
        // openapi.yaml declares minimum: 0 for both parameters
        assertRefused(() -> new Page(negative, other), Family.PARSE_ERROR);
        assertRefused(() -> Page.of(other, negative), Family.PARSE_ERROR);
    }

    @Test
    void golinstorsZeroesMeanEverything() {
        List<String> items = List.of("a", "b", "c");
        assertThat(Page.of(0, 0).apply(items)).containsExactly("a", "b", "c");
        assertThat(Page.of(null, null)).isEqualTo(Page.ALL);
        assertThat(Page.ALL.apply(items)).containsExactly("a", "b", "c");
    }

    @Test
    void pagesThroughAList() {
        List<String> items = List.of("a", "b", "c", "d", "e");
        assertThat(Page.of(0, 2).apply(items)).containsExactly("a", "b");
        assertThat(Page.of(2, 2).apply(items)).containsExactly("c", "d");
        assertThat(Page.of(4, 2).apply(items)).containsExactly("e");
        assertThat(Page.of(5, 2).apply(items)).isEmpty();
        assertThat(Page.of(Integer.MAX_VALUE, Integer.MAX_VALUE).apply(items)).isEmpty();
        assertThat(Page.of(null, 3).apply(items)).containsExactly("a", "b", "c");
    }
}
