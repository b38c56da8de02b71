package io.tandem.controller.node;

/** LINSTOR's node types. Only nodes that run a satellite hold storage. */
public enum NodeType {
    CONTROLLER,
    SATELLITE,
    COMBINED,
    AUXILIARY;

    public boolean runsSatellite() {
        return this == SATELLITE || this == COMBINED;
    }
}
