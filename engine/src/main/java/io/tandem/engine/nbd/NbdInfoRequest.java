package io.tandem.engine.nbd;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The data of NBD_OPT_INFO and NBD_OPT_GO: which export, and which pieces of information the client
 * asks for (NBD_INFO_*; unknown ones are kept here and ignored by the server, as the spec asks).
 *
 * <pre>
 * | size      | field
 * |-----------|-----------------------------------------
 * | 4         | export name length n
 * | n         | export name, UTF-8
 * | 2         | number of information requests k
 * | 2 × k     | information types
 * </pre>
 */
record NbdInfoRequest(String exportName, List<Integer> infoTypes) {

  NbdInfoRequest {
    infoTypes = List.copyOf(infoTypes);
  }

  static NbdInfoRequest parse(ByteBuffer data) throws NbdInvalidOptionException {
    ByteBuffer buffer = data.duplicate();
    if (buffer.remaining() < 4 + 2) {
      throw new NbdInvalidOptionException("option data of " + buffer.remaining()
          + " bytes is shorter than the 6 bytes of an empty request");
    }
    long nameLength = Integer.toUnsignedLong(buffer.getInt());
    if (nameLength > buffer.remaining() - 2) {
      throw new NbdInvalidOptionException("export name length " + nameLength + " runs past the option data");
    }
    String name = exportName(buffer.slice(buffer.position(), (int) nameLength));
    buffer.position(buffer.position() + (int) nameLength);
    int count = Short.toUnsignedInt(buffer.getShort());
    if (buffer.remaining() != 2 * count) {
      throw new NbdInvalidOptionException(count + " information requests need " + 2 * count
          + " bytes, the option has " + buffer.remaining() + " left");
    }
    List<Integer> types = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      types.add(Short.toUnsignedInt(buffer.getShort()));
    }
    return new NbdInfoRequest(name, types);
  }

  /** Decodes an export name (all of {@code bytes}): strict UTF-8, no NUL, at most 4096 bytes. */
  static String exportName(ByteBuffer bytes) throws NbdInvalidOptionException {
    if (bytes.remaining() > NbdProtocol.MAX_STRING_BYTES) {
      throw new NbdInvalidOptionException("export name of " + bytes.remaining()
          + " bytes is longer than the " + NbdProtocol.MAX_STRING_BYTES + " the protocol allows");
    }
    String name;
    try {
      name = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes.duplicate())
          .toString();
    } catch (CharacterCodingException e) {
      throw new NbdInvalidOptionException("export name is not valid UTF-8");
    }
    if (name.indexOf('\0') >= 0) {
      throw new NbdInvalidOptionException("export name contains a NUL character");
    }
    return name;
  }
}
