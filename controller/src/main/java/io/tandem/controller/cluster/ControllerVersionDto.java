package io.tandem.controller.cluster;

/** {@code GET /v1/controller/version}: all strings, as LINSTOR sends them. */
record ControllerVersionDto(String version, String gitHash, String buildTime, String restApiVersion) {
}
