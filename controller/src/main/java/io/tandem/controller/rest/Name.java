package io.tandem.controller.rest;

import java.util.Locale;

/**
 * A validated identifier name of one kind (see {@link NameRule}). Case-insensitive and
 * case-preserving: {@link #value()} is the spelling given at creation, {@link #key()} is what
 * identity and uniqueness are decided on.
 */
public record Name(NameRule rule, String value) {
    public Name {
        rule.validate(value);
    }

    public static Name of(NameRule rule, String value) {
        return new Name(rule, value);
    }

    public String key() {
        return value.toUpperCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return value;
    }
}
