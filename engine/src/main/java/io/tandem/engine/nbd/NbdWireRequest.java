package io.tandem.engine.nbd;

import java.nio.ByteBuffer;

/**
 * A request exactly as it came off the wire, not yet validated: unsigned fields widened so that no
 * value is lost ({@code offset} is a u64 kept in a long; compare it unsigned).
 *
 * @param payload the data of a WRITE ({@code length} bytes), an empty buffer otherwise
 */
record NbdWireRequest(int flags, int type, long cookie, long offset, long length, ByteBuffer payload) {}
