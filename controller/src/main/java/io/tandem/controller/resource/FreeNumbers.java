package io.tandem.controller.resource;

import java.util.OptionalInt;
import java.util.Set;

/** Picks numbers (volume numbers, minor numbers, replica node ids, TCP ports) from a range. */
final class FreeNumbers {
    private FreeNumbers() {
    }

    /** The lowest number in {@code first..last} (inclusive) that is not {@code used}. */
    static OptionalInt lowest(int first, int last, Set<Integer> used) {
        for (int candidate = first; candidate <= last; candidate++) {
            if (!used.contains(candidate)) {
                return OptionalInt.of(candidate);
            }
        }
        return OptionalInt.empty();
    }
}
