package io.tandem.controller.node;

/** The state of the controller's link to a node's satellite, as LINSTOR names it. */
public enum ConnectionStatus {
    OFFLINE,
    CONNECTED,
    ONLINE,
    VERSION_MISMATCH,
    FULL_SYNC_FAILED,
    AUTHENTICATION_ERROR,
    UNKNOWN,
    HOSTNAME_MISMATCH,
    OTHER_CONTROLLER,
    AUTHENTICATED,
    NO_STLT_CONN
}
