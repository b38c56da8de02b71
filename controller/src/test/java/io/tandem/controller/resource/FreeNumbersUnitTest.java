package io.tandem.controller.resource;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Number allocation (node ids, ports, minors, volume numbers): the lowest free number in a range. */
class FreeNumbersUnitTest {

    @Test
    void examples() {
        assertThat(FreeNumbers.lowest(7000, 7999, Set.of())).hasValue(7000);
        assertThat(FreeNumbers.lowest(7000, 7999, Set.of(7000, 7001, 7003))).hasValue(7002);
        assertThat(FreeNumbers.lowest(0, 31, Set.of(-1, 32, 0))).hasValue(1);
        assertThat(FreeNumbers.lowest(0, 2, Set.of(0, 1, 2))).isEmpty();
        assertThat(FreeNumbers.lowest(5, 4, Set.of())).as("an empty range").isEmpty();
    }

    /** Against a naive oracle: the answer is free, in range, and no lower number in range is free. */
    @Property(tries = 500)
    void theLowestFreeNumberInTheRange(@ForAll @IntRange(min = 0, max = 40) int first,
                                       @ForAll @IntRange(min = 0, max = 40) int length,
                                       @ForAll @Size(max = 60) Set<@IntRange(min = 0, max = 90) Integer> used) {
        int last = first + length;
        OptionalInt chosen = FreeNumbers.lowest(first, last, used);
        OptionalInt oracle = IntStream.rangeClosed(first, last).filter(n -> !used.contains(n)).findFirst();
        assertThat(chosen).isEqualTo(oracle);
    }
}
