package io.tandem.engine.peer;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Captures the WARNING records of the peer links (System.Logger goes to java.util.logging in tests). */
final class LogRecorder extends Handler implements AutoCloseable {

  private final Logger logger = Logger.getLogger(PeerLinks.class.getName());
  private final List<String> warnings = new CopyOnWriteArrayList<>();

  LogRecorder() {
    logger.addHandler(this);
  }

  List<String> warnings() {
    return List.copyOf(warnings);
  }

  boolean warned(String... fragments) {
    return warnings.stream().anyMatch(message -> {
      for (String fragment : fragments) {
        if (!message.contains(fragment)) {
          return false;
        }
      }
      return true;
    });
  }

  @Override
  public void publish(LogRecord record) {
    if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
      warnings.add(record.getMessage());
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
