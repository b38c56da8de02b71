package io.tandem.controller.rest;

import java.util.Locale;
import java.util.Map;

/**
 * LINSTOR's naming rules for the objects whose names are identifiers (linstor-server
 * {@code Checks.nameCheck} and the identifier classes): letters, digits, {@code _} and {@code -},
 * starting with a letter or {@code _}, within a per-kind length range, with at least one letter.
 * Node names follow hostname rules instead, see {@link NodeName}.
 */
public enum NameRule {
    RESOURCE("resource", 2, 48, RetCode.FAIL_INVLD_RSC_NAME),
    RESOURCE_GROUP("resource group", 2, 48, RetCode.MASK_ERROR | 202),
    SNAPSHOT("snapshot", 2, 48, RetCode.MASK_ERROR | 218),
    STORAGE_POOL("storage pool", 3, 48, RetCode.FAIL_INVLD_STOR_POOL_NAME),
    NET_INTERFACE("net interface", 3, 32, RetCode.FAIL_INVLD_NET_NAME),
    KEY_VALUE_STORE("key-value store", 2, 48, RetCode.FAIL_INVLD_KVS_NAME);

    private final String kind;
    private final int minLength;
    private final int maxLength;
    private final long retCode;

    NameRule(String kind, int minLength, int maxLength, long retCode) {
        this.kind = kind;
        this.minLength = minLength;
        this.maxLength = maxLength;
        this.retCode = retCode;
    }

    /** Returns {@code raw} if it is a valid name of this kind, otherwise throws a 400. */
    public String validate(String raw) {
        String correction = "Use %d to %d characters: letters, digits, '_' and '-', starting with a letter or '_'."
                .formatted(minLength, maxLength);
        if (raw == null || raw.isEmpty()) {
            throw ApiException.invalid(retCode, "The %s name is missing.".formatted(kind),
                    "Every %s needs a name.".formatted(kind), correction, Map.of());
        }
        String problem = problem(raw);
        if (problem != null) {
            throw ApiException.invalid(retCode, "Invalid %s name '%s'.".formatted(kind, raw), problem, correction,
                    Map.of());
        }
        return raw;
    }

    private String problem(String raw) {
        if (raw.length() < minLength || raw.length() > maxLength) {
            return "A %s name must be %d to %d characters long, this one has %d."
                    .formatted(kind, minLength, maxLength, raw.length());
        }
        char first = raw.charAt(0);
        if (!(isAsciiLetter(first) || first == '_')) {
            return "A %s name must start with a letter or '_', not '%c'.".formatted(kind, first);
        }
        boolean hasLetter = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            hasLetter |= isAsciiLetter(c);
            if (!(isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
                return "The character '%s' at position %d is not allowed in a %s name."
                        .formatted(printable(c), i + 1, kind);
            }
        }
        if (!hasLetter) {
            return "A %s name must contain at least one letter.".formatted(kind);
        }
        if (this == RESOURCE) {
            String upper = raw.toUpperCase(Locale.ROOT);
            if (upper.equals("ALL") || upper.equals("PROXY")) {
                return "'%s' is a reserved word.".formatted(raw);
            }
        }
        return null;
    }

    static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static String printable(char c) {
        return Character.isISOControl(c) || Character.isWhitespace(c) ? "\\u%04x".formatted((int) c) : String.valueOf(c);
    }
}
