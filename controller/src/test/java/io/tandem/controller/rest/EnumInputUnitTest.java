package io.tandem.controller.rest;

import static io.tandem.controller.rest.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Enum values in any spelling clients send: any case, '-' for '_'; anything else lists the valid values. */
class EnumInputUnitTest {
    private static final Map<String, String> REFS = Map.of("Node", "n1");

    enum Sample { SATELLITE, COMBINED, LVM_THIN, FILE_THIN_2 }

    record Spelling(Sample value, String raw) {
    }

    @Provide
    Arbitrary<Spelling> spellings() {
        return Arbitraries.of(Sample.class).flatMap(value -> {
            String name = value.name();
            Arbitrary<String> raw = Arbitraries.integers().between(0, (1 << name.length()) - 1).map(mask -> {
                StringBuilder spelled = new StringBuilder();
                for (int i = 0; i < name.length(); i++) {
                    char c = name.charAt(i);
                    boolean flip = (mask & (1 << i)) != 0;
                    spelled.append(c == '_' ? (flip ? '-' : '_') : flip ? Character.toLowerCase(c) : c);
                }
                return spelled.toString();
            });
            Arbitrary<String> padding = Arbitraries.of("", " ", "\t", "  ");
            return Combinators.combine(padding, raw, padding).as((before, core, after) ->
                    new Spelling(value, before + core + after));
        });
    }

    @Property(tries = 1000)
    void everyCaseAndDashSpellingParses(@ForAll("spellings") Spelling spelling) {
        assertThat(EnumInput.parse(Sample.class, spelling.raw(), "sample", RetCode.FAIL_INVLD_NODE_TYPE, REFS))
                .isEqualTo(spelling.value());
    }

    @Property(tries = 1000)
    void anythingElseIsRefusedWithTheValidValues(@ForAll("nonValues") String raw) {
        ApiCallRc entry = assertRefused(() -> EnumInput.parse(Sample.class, raw, "sample",
                RetCode.FAIL_INVLD_NODE_TYPE, REFS), RetCode.FAIL_INVLD_NODE_TYPE);
        assertThat(entry.message()).contains("'" + raw + "'").contains("sample");
        for (Sample value : Sample.values()) {
            assertThat(entry.cause()).contains(value.name());
            assertThat(entry.correction()).contains(value.name());
        }
        assertThat(entry.objRefs()).isEqualTo(REFS);
    }

    @Provide
    Arbitrary<String> nonValues() {
        Arbitrary<String> near = Arbitraries.of("satelite", "combined_", "lvm thin", "lvmthin", "LVM__THIN", "file_thin",
                "SATELLITE2", "", " ", "-", "_");
        Arbitrary<String> random = Arbitraries.strings().withChars("SATELIbcd_- ").ofMaxLength(12);
        return Arbitraries.oneOf(near, random).filter(EnumInputUnitTest::isNoSpelling);
    }

    /** The oracle: a spelling of a constant is the constant's name, '-' for '_' allowed, ASCII case ignored. */
    static boolean isNoSpelling(String raw) {
        String normalized = raw.strip().replace('-', '_');
        for (Sample value : Sample.values()) {
            if (value.name().equalsIgnoreCase(normalized)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void missingValueSaysSoAndListsTheValidValues() {
        ApiCallRc entry = assertRefused(() -> EnumInput.parse(Sample.class, null, "node type",
                RetCode.FAIL_INVLD_NODE_TYPE, REFS), RetCode.FAIL_INVLD_NODE_TYPE);
        assertThat(entry.message()).isEqualTo("The node type is missing.");
        assertThat(entry.cause()).contains("SATELLITE, COMBINED, LVM_THIN, FILE_THIN_2");
    }

    @Test
    void linstorClientSpellings() {
        assertThat(EnumInput.parse(Sample.class, "satellite", "t", RetCode.FAIL_INVLD_NODE_TYPE, REFS))
                .isEqualTo(Sample.SATELLITE);
        assertThat(EnumInput.parse(Sample.class, "Combined", "t", RetCode.FAIL_INVLD_NODE_TYPE, REFS))
                .isEqualTo(Sample.COMBINED);
        assertThat(EnumInput.parse(Sample.class, "lvm-thin", "t", RetCode.FAIL_INVLD_NODE_TYPE, REFS))
                .isEqualTo(Sample.LVM_THIN);
    }
}
