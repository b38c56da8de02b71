package io.tandem.satellite;

import io.tandem.link.LinkProtocol;
import java.net.InetSocketAddress;

/** Parses {@code ADDRESS:PORT}, {@code [IPv6]:PORT}, {@code ADDRESS} or {@code :PORT}. */
final class ListenAddress {
    private ListenAddress() {
    }

    static InetSocketAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("--listen needs ADDRESS:PORT, e.g. 127.0.0.1:3366");
        }
        String host;
        String port;
        if (text.startsWith("[")) {
            int end = text.indexOf(']');
            if (end < 0) {
                throw new IllegalArgumentException("--listen '" + text + "': missing ']' after the IPv6 address");
            }
            host = text.substring(1, end);
            String rest = text.substring(end + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                // "[::1]3366" must not silently become [::1]:3366's default port
                throw new IllegalArgumentException("--listen '" + text + "': expected ':PORT' or nothing after ']', not '"
                        + rest + "'");
            }
            port = rest.isEmpty() ? null : rest.substring(1);
        } else if (text.chars().filter(c -> c == ':').count() > 1) {
            host = text;
            port = null;
        } else {
            int colon = text.lastIndexOf(':');
            host = colon < 0 ? text : text.substring(0, colon);
            port = colon < 0 ? null : text.substring(colon + 1);
        }
        int portNumber = LinkProtocol.DEFAULT_PORT;
        if (port != null) {
            try {
                portNumber = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--listen '" + text + "': '" + port + "' is not a port number");
            }
            if (portNumber < 0 || portNumber > 65535) {
                throw new IllegalArgumentException("--listen '" + text + "': port " + portNumber
                        + " is outside 0..65535");
            }
        }
        return host.isEmpty() ? new InetSocketAddress(portNumber) : new InetSocketAddress(host, portNumber);
    }
}
