package io.tandem.controller.rest;

import static io.tandem.controller.rest.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Names are case-insensitive and case-preserving (API.md §2.12, linstor-server GenericName). */
class NameUnitTest {

    @Property(tries = 500)
    void keyIgnoresCaseValueKeepsIt(@ForAll NameRule rule, @ForAll("validNames") String value) {
        Name given = Name.of(rule, value);
        Name upper = Name.of(rule, value.toUpperCase(Locale.ROOT));
        Name lower = Name.of(rule, value.toLowerCase(Locale.ROOT));
        assertThat(given.key()).isEqualTo(upper.key()).isEqualTo(lower.key())
                .isEqualTo(value.toUpperCase(Locale.ROOT));
        assertThat(given.value()).isEqualTo(value);
        assertThat(given.toString()).isEqualTo(value);
    }

    @Provide
    Arbitrary<String> validNames() {
        // valid for every rule: 3..32 characters, starts with a letter, not a reserved word
        return Arbitraries.strings().withChars("abcXYZ019_-").ofMinLength(2).ofMaxLength(31).map(s -> "n" + s);
    }

    @Test
    void fooAndFOOCollide() {
        assertThat(Name.of(NameRule.RESOURCE, "Foo").key()).isEqualTo(Name.of(NameRule.RESOURCE, "FOO").key());
        assertThat(Name.of(NameRule.RESOURCE, "Foo")).isNotEqualTo(Name.of(NameRule.RESOURCE, "FOO"));
    }

    @Test
    void constructionValidates() {
        assertRefused(() -> Name.of(NameRule.STORAGE_POOL, "p1"), RetCode.FAIL_INVLD_STOR_POOL_NAME);
        assertRefused(() -> new Name(NameRule.NET_INTERFACE, null), RetCode.FAIL_INVLD_NET_NAME);
        assertRefused(() -> Name.of(NameRule.RESOURCE, "proxy"), RetCode.MASK_ERROR | 202);
    }
}
