package io.tandem.controller.satellite;

import java.net.InetSocketAddress;

/** Where and as whom the controller reaches a node's satellite. */
record LinkTarget(String nodeName, InetSocketAddress address) {
}
