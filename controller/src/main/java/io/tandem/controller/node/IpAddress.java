package io.tandem.controller.node;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Net interface addresses are IP literals, as in LINSTOR: the controller must reach the satellite
 * at exactly this address, without depending on name resolution.
 */
final class IpAddress {
    private static final Pattern IPV4 = Pattern.compile(
            "^(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}$");
    // starts with a hex digit or ':' like every IPv6 literal; InetAddress resolves anything else
    // (".:" for one) as a host name
    private static final Pattern IPV6_CHARS = Pattern.compile("^[0-9A-Fa-f:][0-9A-Fa-f:.]*(%[A-Za-z0-9_.-]+)?$");

    private IpAddress() {
    }

    static boolean isLiteral(String address) {
        if (address == null || address.isEmpty()) {
            return false;
        }
        if (IPV4.matcher(address).matches()) {
            return true;
        }
        if (!address.contains(":") || !IPV6_CHARS.matcher(address).matches()) {
            return false;
        }
        try {
            // a string with ':' that starts with a hex digit or ':' is parsed as an IPv6 literal
            // and never looked up as a name
            InetAddress.getByName(address);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
