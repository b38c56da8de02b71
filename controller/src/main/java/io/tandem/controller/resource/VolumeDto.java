package io.tandem.controller.resource;

import io.tandem.controller.rest.ApiCallRc;
import java.util.List;
import java.util.Map;

/**
 * LINSTOR's Volume. The device path, sizes, {@code state} and {@code reports} are observed state
 * from the node's satellite and absent without it.
 */
record VolumeDto(
        Integer volumeNumber,
        String storagePoolName,
        String providerKind,
        String devicePath,
        Long allocatedSizeKib,
        Long usableSizeKib,
        Map<String, String> props,
        List<String> flags,
        VolumeStateDto state,
        List<VolumeLayerDto> layerDataList,
        String uuid,
        List<ApiCallRc> reports) {
}
