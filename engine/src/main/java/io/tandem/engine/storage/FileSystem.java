package io.tandem.engine.storage;

import java.io.IOException;

/** Opens, creates and deletes {@link BlockFile}s. Creating and deleting a file is durable on return. */
public interface FileSystem {

  /** Creates a new empty file; fails if it already exists. */
  BlockFile create(String path) throws IOException;

  /** Opens an existing file for reading and writing; fails if it does not exist. */
  BlockFile open(String path) throws IOException;

  boolean exists(String path) throws IOException;

  /** Deletes an existing file; fails if it does not exist. */
  void delete(String path) throws IOException;

  /**
   * Renames {@code from} to {@code to} atomically, replacing {@code to} if it exists; durable on
   * return. Used to make a fully written file appear under its final name in one step.
   */
  void rename(String from, String to) throws IOException;
}
