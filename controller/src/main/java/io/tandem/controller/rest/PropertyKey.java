package io.tandem.controller.rest;

import java.util.Map;

/**
 * The rules for property keys and values. Keys are '/'-separated namespaces ending in a name,
 * e.g. {@code Aux/site} or {@code StorDriver/FileDir}.
 */
public final class PropertyKey {
    public static final int MAX_KEY_LENGTH = 256;
    public static final int MAX_VALUE_LENGTH = 65535;

    private PropertyKey() {
    }

    public static void validate(String key, Map<String, String> objRefs) {
        String problem = problem(key);
        if (problem != null) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_PROP,
                    key == null ? "A property key is missing." : "Invalid property key '%s'.".formatted(key), problem,
                    "Use a key of 1 to %d printable characters, namespaces separated by single '/', such as 'Aux/site'."
                            .formatted(MAX_KEY_LENGTH),
                    objRefs);
        }
    }

    public static void validateEntry(String key, String value, Map<String, String> objRefs) {
        validate(key, objRefs);
        if (value == null) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_PROP, "Property '%s' has no value.".formatted(key),
                    "override_props maps each key to a string; null is not a value.",
                    "Send a string value, or list the key in delete_props to remove it.", objRefs);
        }
        if (value.length() > MAX_VALUE_LENGTH) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_PROP, "The value of property '%s' is too long.".formatted(key),
                    "A value may have at most %d characters, this one has %d.".formatted(MAX_VALUE_LENGTH, value.length()),
                    "Shorten the value.", objRefs);
        }
    }

    private static String problem(String key) {
        if (key == null || key.isEmpty()) {
            return "A property key must not be empty.";
        }
        if (key.length() > MAX_KEY_LENGTH) {
            return "A property key may have at most %d characters, this one has %d.".formatted(MAX_KEY_LENGTH, key.length());
        }
        if (key.startsWith("/") || key.endsWith("/") || key.contains("//")) {
            return "A property key must not start or end with '/' nor contain an empty namespace ('//').";
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isISOControl(c) || Character.isWhitespace(c)) {
                return "A property key must not contain whitespace or control characters (found %s at position %d)."
                        .formatted(NameRule.printable(c), i + 1);
            }
        }
        return null;
    }
}
