package io.tandem.engine.peer;

import java.net.InetSocketAddress;

/** Parses {@code host:port} (an IPv6 host in brackets: {@code [::1]:7789}). */
final class ReplicationAddress {

  private ReplicationAddress() {}

  static InetSocketAddress parse(String address) {
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1) {
      throw new IllegalArgumentException("replication address '" + address + "' is not host:port");
    }
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("replication address '" + address + "' has no numeric port");
    }
    if (port < 1 || port > 0xffff) {
      throw new IllegalArgumentException("replication address '" + address + "' has port out of 1..65535");
    }
    // unresolved: resolution happens at bind and connect time, where a failure is retried
    return InetSocketAddress.createUnresolved(host, port);
  }
}
