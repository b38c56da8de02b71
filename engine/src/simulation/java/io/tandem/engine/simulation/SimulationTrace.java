package io.tandem.engine.simulation;

import io.tandem.engine.core.Effect;
import io.tandem.engine.core.Event;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a run did, for its failure message: the last entries (events into the cores, effects out
 * of them, faults and client actions), formatted only when asked for. With {@code printAll} every
 * entry is also printed as it happens ({@code -Dsimulation.trace=true}, meant for a replayed seed).
 */
final class SimulationTrace {

  /** Characters of one entry that are kept ({@code -Dsimulation.traceWidth=N}; messages can be long). */
  private static final int LIMIT = Integer.getInteger("simulation.traceWidth", 300);

  private record Entry(long at, String who, String what, Object detail) {}

  private final int keep;
  private final boolean printAll;
  private final Deque<Entry> last = new ArrayDeque<>();

  SimulationTrace(int keep, boolean printAll) {
    this.keep = keep;
    this.printAll = printAll;
  }

  /** The trace of {@code -Dsimulation.trace}: printed in full when the property is true. */
  static SimulationTrace fromProperties(int keep) {
    return new SimulationTrace(keep, Boolean.getBoolean("simulation.trace"));
  }

  /** Whether every entry is printed ({@code -Dsimulation.trace=true}): worth recording costly detail. */
  boolean printsAll() {
    return printAll;
  }

  /**
   * Records one entry; {@code detail} is described only if the entry is printed.
   *
   * @param who the node or actor ("n1", "net", "client 0")
   * @param what a word for the kind of entry ("<-" an event, "->" an effect, "fault")
   */
  void record(long at, String who, String what, Object detail) {
    Entry entry = new Entry(at, who, what, detail);
    if (printAll) {
      System.out.println(format(entry));
    }
    if (last.size() == keep) {
      last.removeFirst();
    }
    last.addLast(entry);
  }

  /** The last entries, one a line, oldest first. */
  String lastEntries() {
    StringBuilder text = new StringBuilder();
    for (Entry entry : last) {
      text.append("  ").append(format(entry)).append('\n');
    }
    return text.toString();
  }

  private static String format(Entry entry) {
    return String.format("%,12d  %-8s %-5s %s", entry.at(), entry.who(), entry.what(), describe(entry.detail()));
  }

  /** A short description: payloads, pages and buffers are summarised, not dumped. */
  static String describe(Object detail) {
    if (detail instanceof Event.ClientRequest request) {
      return "ClientRequest #" + request.requestId() + " volume " + request.volume() + " " + request.kind() + " "
          + request.offset() + "+" + request.length() + (request.flags().isEmpty() ? "" : " " + request.flags());
    }
    if (detail instanceof Event.IoCompleted completed) {
      return "IoCompleted io " + completed.ioId() + " " + completed.outcome()
          + (completed.detail() == null ? "" : " (" + completed.detail() + ")");
    }
    if (detail instanceof Effect.DataIo io) {
      return "DataIo io " + io.ioId() + " volume " + io.volume() + " " + io.operation() + " " + io.offset() + "+"
          + io.length() + " " + io.durability();
    }
    if (detail instanceof Effect.MetadataIo io) {
      return "MetadataIo io " + io.ioId() + " volume " + io.volume() + " sync " + io.dataSync() + ", bitmap pages "
          + io.bitmapPages().keySet() + (io.transaction() == null ? "" : ", transaction " + io.transaction().sequence()
          + " " + io.transaction().type()) + (io.superblock() == null ? "" : ", superblock " + io.superblock().flags()
          + " uuid " + Long.toHexString(io.superblock().currentUuid()));
    }
    if (detail instanceof Effect.RequestCompleted completed) {
      return "RequestCompleted #" + completed.requestId() + " " + completed.status()
          + (completed.message() == null ? "" : " (" + completed.message() + ")")
          + (completed.data() == null ? "" : " " + completed.data().remaining() + " bytes");
    }
    String text = String.valueOf(detail);
    return text.length() > LIMIT ? text.substring(0, LIMIT) + "…" : text;
  }
}
