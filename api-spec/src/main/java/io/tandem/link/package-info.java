/**
 * The controller ⇄ satellite link: the contract both sides compile against.
 *
 * <h2>Frames</h2>
 * A TCP stream of frames, each:
 * <pre>
 *  offset  size  field
 *  0       4     magic 0x54 0x44 0x4C 0x4B ("TDLK")
 *  4       4     payload length N, big-endian, 0 &lt; N &lt;= {@link io.tandem.link.LinkCodec#MAX_PAYLOAD}
 *  8       N     payload: one {@link io.tandem.link.LinkMessage} as UTF-8 JSON, {"type": "...", ...}
 * </pre>
 * A frame with a wrong magic, a length out of range, or a payload that is not a known message is a
 * protocol error: the receiver closes the connection.
 *
 * <h2>Handshake (the controller connects, the satellite listens)</h2>
 * <ol>
 * <li>controller → {@code Hello}: the protocol versions it speaks and a fresh 32-byte nonce.</li>
 * <li>satellite → {@code Refused} (no cluster secret configured, or no common protocol version) and
 * closes; or {@code Welcome}: the chosen version, its own nonce, and its proof
 * HMAC-SHA256(secret, "satellite" | controllerNonce | satelliteNonce).</li>
 * <li>controller checks the proof (wrong → AUTHENTICATION_ERROR, close) and sends {@code Login}: its
 * own proof HMAC-SHA256(secret, "controller" | controllerNonce | satelliteNonce) and the node name.</li>
 * <li>satellite checks it (wrong → {@code Refused}, close) and sends {@code LoginReport}: host name,
 * build, supported provider kinds and, for each unsupported kind, why.</li>
 * </ol>
 * Both sides thus prove they know the cluster secret without sending it. Then the controller sends
 * {@code DesiredState} (the node's complete desired state, stamped with an increasing version) on every
 * change and after every (re)connect; the satellite answers each with {@code ObservedState} for that
 * version, and sends fresh observations on its own when they change. {@code Ping}/{@code Pong} keep the
 * link alive; a side that hears nothing for {@link io.tandem.link.LinkProtocol#DEAD_AFTER} gives up the
 * connection.
 */
package io.tandem.link;
