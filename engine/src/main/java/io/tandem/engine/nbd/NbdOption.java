package io.tandem.engine.nbd;

import java.nio.ByteBuffer;

/**
 * One option the client sent during the handshake.
 *
 * @param option the option number (NBD_OPT_*)
 * @param data the option's data, read-only, position 0
 */
record NbdOption(int option, ByteBuffer data) {}
