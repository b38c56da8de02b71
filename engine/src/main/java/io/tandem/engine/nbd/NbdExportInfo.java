package io.tandem.engine.nbd;

import java.util.Objects;

/** One line of {@code NBD_OPT_LIST}: the name a client connects with and a text for humans. */
public record NbdExportInfo(String name, String description) {

  public NbdExportInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
  }
}
