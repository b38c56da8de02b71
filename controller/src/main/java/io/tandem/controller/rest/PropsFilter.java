package io.tandem.controller.rest;

import java.util.List;
import java.util.Map;

/**
 * LINSTOR's {@code props=} list filter: each entry is {@code key=value} (the property must have
 * that value) or {@code key} (the property must be set); an object matches when all entries do.
 */
public record PropsFilter(List<String> entries) {
    public PropsFilter {
        entries = entries == null ? List.of() : entries.stream().filter(e -> e != null && !e.isBlank()).toList();
    }

    public boolean matches(Map<String, String> props) {
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq < 0) {
                if (!props.containsKey(entry)) {
                    return false;
                }
            } else if (!entry.substring(eq + 1).equals(props.get(entry.substring(0, eq)))) {
                return false;
            }
        }
        return true;
    }
}
