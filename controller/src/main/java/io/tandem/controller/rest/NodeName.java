package io.tandem.controller.rest;

import java.util.Locale;
import java.util.Map;

/**
 * A node's name: an RFC 1123 host name (linstor-server {@code Checks.hostNameCheck}), 2 to 255
 * characters, dot-separated labels of at most 63 letters, digits and '-', no label starting or
 * ending with '-'. Case-insensitive, case-preserving.
 */
public record NodeName(String value) {
    private static final String CORRECTION =
            "Use the node's host name: 2 to 255 characters, labels of letters, digits and '-' separated by dots.";

    public NodeName {
        if (value == null || value.isEmpty()) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_NODE_NAME, "The node name is missing.",
                    "Every node needs a name.", CORRECTION, Map.of());
        }
        String problem = problem(value);
        if (problem != null) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_NODE_NAME, "Invalid node name '%s'.".formatted(value),
                    problem, CORRECTION, Map.of());
        }
    }

    /** The case-insensitive identity of the name. */
    public String key() {
        return value.toUpperCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return value;
    }

    private static String problem(String name) {
        if (name.length() < 2 || name.length() > 255) {
            return "A node name must be 2 to 255 characters long, this one has %d.".formatted(name.length());
        }
        String[] labels = name.split("\\.", -1);
        for (String label : labels) {
            if (label.isEmpty()) {
                return "A node name must not start or end with '.', nor contain '..'.";
            }
            if (label.length() > 63) {
                return "Each dot-separated part of a node name may have at most 63 characters; '%s' has %d."
                        .formatted(label, label.length());
            }
            if (label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') {
                return "A part of a node name must not start or end with '-' ('%s').".formatted(label);
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!(NameRule.isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '-')) {
                    return "The character '%s' is not allowed in a node name.".formatted(NameRule.printable(c));
                }
            }
        }
        return null;
    }
}
