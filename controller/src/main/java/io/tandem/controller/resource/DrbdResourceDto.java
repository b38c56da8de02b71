package io.tandem.controller.resource;

import java.util.List;
import java.util.Map;

/**
 * The replication layer of one resource: what the controller decided (node id, ports, slots,
 * volumes). {@code connections}, {@code promotion_score} and {@code may_promote} are observed
 * state from the satellite and absent without it.
 */
record DrbdResourceDto(
        DrbdResourceDefinitionLayerDto drbdResourceDefinition,
        Integer nodeId,
        List<Integer> tcpPorts,
        Integer peerSlots,
        Integer alStripes,
        Long alSize,
        List<String> flags,
        List<DrbdVolumeDto> drbdVolumes,
        Map<String, DrbdConnectionDto> connections,
        Integer promotionScore,
        Boolean mayPromote) {
}
