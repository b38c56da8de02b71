package io.tandem.controller.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.controller.rest.ApiException;
import io.tandem.controller.rest.RetCode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Flags with LINSTOR's bits and names, and the one layer stack Tandem builds. */
class FlagUnitTest {

    @Test
    void resourceFlagsHaveLinstorsBits() {
        assertThat(ResourceFlag.DELETE.bits()).isEqualTo(2);
        assertThat(ResourceFlag.DISKLESS.bits()).isEqualTo(4);
        assertThat(ResourceFlag.DRBD_DISKLESS.bits()).isEqualTo(4 | 256);
        assertThat(ResourceFlag.TIE_BREAKER.bits()).isEqualTo(4 | 256 | 128);
    }

    @Test
    void aFlagThatImpliesAnotherListsBoth() {
        assertThat(Flag.names(ResourceFlag.values(), ResourceFlag.DRBD_DISKLESS.bits()))
                .containsExactly("DISKLESS", "DRBD_DISKLESS");
        assertThat(Flag.names(ResourceFlag.values(), ResourceFlag.DRBD_DISKLESS.bits() | ResourceFlag.DELETE.bits()))
                .containsExactly("DELETE", "DISKLESS", "DRBD_DISKLESS");
        assertThat(Flag.names(ResourceFlag.values(), 0)).isEmpty();
        assertThat(Flag.names(VolumeDefinitionFlag.values(), 8)).containsExactly("GROSS_SIZE");
    }

    @Test
    void everyFlagHasItsOwnBits() {
        for (Flag[] flags : List.<Flag[]>of(ResourceFlag.values(), VolumeFlag.values(), VolumeDefinitionFlag.values(),
                ResourceDefinitionFlag.values())) {
            assertThat(List.of(flags)).extracting(Flag::bits).doesNotHaveDuplicates().allMatch(bits -> bits > 0);
        }
    }

    @Test
    void onlyDrbdOverStorage() {
        LayerType.checkStack(null, Map.of());
        LayerType.checkStack(List.of(), Map.of());
        LayerType.checkStack(List.of("drbd", "Storage"), Map.of());
        assertThatThrownBy(() -> LayerType.checkStack(List.of("STORAGE"), Map.of()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.entries().get(0).retCode())
                        .isEqualTo(RetCode.FAIL_INVLD_LAYER_STACK));
        assertThatThrownBy(() -> LayerType.checkStack(List.of("DRBD", "LUKS", "STORAGE"), Map.of()))
                .isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> LayerType.checkStack(List.of("ZFS"), Map.of()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.entries().get(0).retCode())
                        .isEqualTo(RetCode.FAIL_INVLD_LAYER_KIND));
    }

    @Test
    void sharedSecrets() {
        assertThat(SharedSecret.generate()).hasSize(20).matches("[A-Za-z0-9]{20}").isNotEqualTo(SharedSecret.generate());
        assertThat(SharedSecret.validate("x!y#z", Map.of())).isEqualTo("x!y#z");
        assertThatThrownBy(() -> SharedSecret.validate("", Map.of())).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> SharedSecret.validate("with blank", Map.of())).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> SharedSecret.validate("s".repeat(65), Map.of())).isInstanceOf(ApiException.class);
    }
}
