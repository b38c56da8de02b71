package io.tandem.controller.rest;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** A repeated name filter such as {@code nodes=a&nodes=b}: case-insensitive, empty means all. */
public record NameFilter(Set<String> keys) {
    public static NameFilter of(List<String> names) {
        return new NameFilter(names == null ? Set.of() : names.stream()
                .filter(n -> n != null && !n.isBlank())
                .flatMap(n -> java.util.Arrays.stream(n.split(",")))
                .map(n -> n.trim().toUpperCase(Locale.ROOT))
                .filter(n -> !n.isEmpty())
                .collect(Collectors.toUnmodifiableSet()));
    }

    public boolean matches(String name) {
        return keys.isEmpty() || keys.contains(name.toUpperCase(Locale.ROOT));
    }
}
