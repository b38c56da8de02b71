package io.tandem.engine.nbd;

import java.nio.ByteBuffer;

/**
 * A simple reply waiting to be written.
 *
 * @param data what follows the header: the data of a successful READ, empty otherwise
 * @param dataBytesInFlight what the request counted against {@link NbdConnectionLimits}, given
 *     back once the reply is written
 */
record NbdReply(long cookie, NbdError error, ByteBuffer data, long dataBytesInFlight) {}
