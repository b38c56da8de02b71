package io.tandem.controller.resource;

import java.util.List;

/**
 * One entry of {@code POST …/resources} (a list) or the body of {@code POST …/resources/{node}}.
 * {@code drbd_client: true} asks for a diskless replica, as the DRBD_DISKLESS flag does.
 */
record ResourceCreateDto(
        ResourceDto resource,
        List<String> layerList,
        Integer drbdNodeId,
        Integer drbdTcpPortCount,
        List<Integer> drbdTcpPorts,
        List<String> snapNames,
        Boolean copyAllSnaps,
        Boolean drbdClient) {
}
