package io.tandem.engine.nbd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Test exports by name; the first one added is also the default export (the empty name). */
final class MemoryExports implements NbdExports {

  private final Map<String, NbdExport> byName = new LinkedHashMap<>();

  MemoryExports add(NbdExport export) {
    byName.put(export.name(), export);
    return this;
  }

  @Override
  public List<NbdExportInfo> list() {
    List<NbdExportInfo> infos = new ArrayList<>();
    for (NbdExport export : byName.values()) {
      infos.add(new NbdExportInfo(export.name(), export.description()));
    }
    return infos;
  }

  @Override
  public Optional<NbdExport> find(String name) {
    if (name.isEmpty()) {
      return byName.values().stream().findFirst();
    }
    return Optional.ofNullable(byName.get(name));
  }
}
