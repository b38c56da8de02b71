package io.tandem.engine.nbd;

import java.util.List;
import java.util.Optional;

/** What an {@link NbdServer} serves; the engine implements it over its volumes. */
public interface NbdExports {

  /** Every export, for {@code NBD_OPT_LIST}; called on the connection's thread, so it must be cheap. */
  List<NbdExportInfo> list();

  /**
   * The export a client names in {@code NBD_OPT_GO}, {@code NBD_OPT_INFO} or
   * {@code NBD_OPT_EXPORT_NAME}; the empty name means the default export, if there is one.
   */
  Optional<NbdExport> find(String name);
}
