package io.tandem.satellite.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Whatever is installed on the machine running the tests, every kind is either supported or explained. */
class ProviderProbeTest {

    @Test
    void fileKindsNeedOnlyAFilesystem() {
        assertThat(ProviderProbe.probe().supported()).contains("DISKLESS", "FILE", "FILE_THIN");
    }

    @Test
    void everyKnownKindIsEitherSupportedOrHasReasons() {
        ProviderProbe.Providers providers = ProviderProbe.probe();
        for (String kind : List.of("DISKLESS", "FILE", "FILE_THIN", "LVM", "LVM_THIN", "ZFS", "ZFS_THIN")) {
            boolean supported = providers.supports(kind);
            boolean explained = providers.unsupported().containsKey(kind);
            assertThat(supported ^ explained).as(kind + " is exactly one of supported or unsupported").isTrue();
            if (explained) {
                assertThat(providers.unsupported().get(kind)).as("why " + kind + " is unsupported").isNotEmpty()
                        .allSatisfy(reason -> assertThat(reason).isNotBlank());
            }
        }
    }
}
