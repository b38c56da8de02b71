/**
 * The satellite's end of the controller link (protocol in {@link io.tandem.link}): it listens,
 * authenticates each controller, and serves at most one authenticated controller at a time — a
 * newly authenticated controller replaces the previous one, so a restarted or failed-over
 * controller takes over without waiting for the old connection to time out.
 */
package io.tandem.satellite.link;
