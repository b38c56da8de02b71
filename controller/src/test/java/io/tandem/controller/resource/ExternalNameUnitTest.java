package io.tandem.controller.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.controller.rest.ApiException;
import io.tandem.controller.rest.NameRule;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** Deriving a resource name from an external name (python-linstor sends only the external name). */
class ExternalNameUnitTest {

    @Test
    void aValidNameIsUsedAsItIs() {
        assertThat(ExternalName.deriveName("pvc-4711", name -> false)).isEqualTo("pvc-4711");
    }

    @Test
    void invalidCharactersBecomeUnderscores() {
        assertThat(ExternalName.deriveName("my disk (2)", name -> false)).isEqualTo("my_disk__2_");
        assertThat(ExternalName.deriveName("1st-volume", name -> false)).isEqualTo("_st-volume");
        assertThat(ExternalName.deriveName("Grüße", name -> false)).isEqualTo("Gr__e");
    }

    @Test
    void aLongNameIsCutAndATakenOrHopelessOneGetsAUuidName() {
        assertThat(ExternalName.deriveName("a".repeat(100), name -> false)).isEqualTo("a".repeat(48));
        assertThat(ExternalName.deriveName("pvc-4711", Set.of("pvc-4711")::contains)).matches("LS_[0-9a-f-]{36}");
        assertThat(ExternalName.deriveName("1234", name -> false)).as("no letter at all").matches("LS_[0-9a-f-]{36}");
        assertThat(ExternalName.deriveName("all", name -> false)).as("a reserved word").startsWith("LS_");
    }

    @Property(tries = 500)
    void theDerivedNameIsAlwaysAValidResourceName(@ForAll @StringLength(min = 1, max = 300) String external) {
        String name = ExternalName.deriveName(external, candidate -> false);
        assertThat(NameRule.RESOURCE.validate(name)).isEqualTo(name);
    }

    @Test
    void externalNamesHaveLimits() {
        assertThat(ExternalName.validate("Daten von Anna", Map.of())).isEqualTo("Daten von Anna");
        assertThatThrownBy(() -> ExternalName.validate(" ", Map.of())).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> ExternalName.validate("x".repeat(1025), Map.of())).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> ExternalName.validate("tab\there", Map.of())).isInstanceOf(ApiException.class);
    }
}
