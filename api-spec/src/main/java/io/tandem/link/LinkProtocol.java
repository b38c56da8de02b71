package io.tandem.link;

import java.time.Duration;

/** Constants both ends of the link agree on. */
public final class LinkProtocol {
    private LinkProtocol() {
    }

    /** The protocol versions this build speaks; the highest common one is used. */
    public static final int MIN_VERSION = 1;
    public static final int MAX_VERSION = 1;

    /** LINSTOR's satellite port. */
    public static final int DEFAULT_PORT = 3366;

    /** How often an idle side sends a Ping. */
    public static final Duration PING_INTERVAL = Duration.ofSeconds(1);
    /** Silence after which a side considers the other gone. */
    public static final Duration DEAD_AFTER = Duration.ofSeconds(5);
    /** The whole handshake must finish within this. */
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
}
