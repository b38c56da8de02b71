package io.tandem.controller.node;

/** How the satellite link on a net interface is carried; each has LINSTOR's default port. */
public enum EncryptionType {
    PLAIN(3366),
    SSL(3367);

    private final int defaultPort;

    EncryptionType(int defaultPort) {
        this.defaultPort = defaultPort;
    }

    public int defaultPort() {
        return defaultPort;
    }
}
