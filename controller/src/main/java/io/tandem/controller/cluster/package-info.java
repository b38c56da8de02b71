/**
 * The controller itself: its identity and version ({@code /v1/controller/version}), its health
 * ({@code /health}), and the controller-wide properties ({@code /v1/controller/properties}).
 */
package io.tandem.controller.cluster;
