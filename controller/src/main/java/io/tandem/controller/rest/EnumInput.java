package io.tandem.controller.rest;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Enum values as clients send them: the linstor CLI sends {@code "satellite"} and
 * {@code "plain"}, the spec says {@code Satellite}, Tandem writes {@code SATELLITE}. Every
 * spelling is accepted; anything else is a 400 that lists the valid values.
 */
public final class EnumInput {
    private EnumInput() {
    }

    public static <E extends Enum<E>> E parse(Class<E> type, String raw, String what, long retCode,
                                              Map<String, String> objRefs) {
        E[] values = type.getEnumConstants();
        if (raw != null) {
            String wanted = raw.trim().replace('-', '_').toUpperCase(Locale.ROOT);
            for (E value : values) {
                if (value.name().equals(wanted)) {
                    return value;
                }
            }
        }
        String valid = Arrays.stream(values).map(Enum::name).collect(Collectors.joining(", "));
        throw ApiException.invalid(retCode,
                raw == null ? "The %s is missing.".formatted(what) : "Invalid %s '%s'.".formatted(what, raw),
                "Valid values are: %s (in any case).".formatted(valid),
                "Send one of: %s.".formatted(valid), objRefs);
    }
}
