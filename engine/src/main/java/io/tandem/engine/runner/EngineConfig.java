package io.tandem.engine.runner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tandem.engine.activitylog.ActivityLog;
import io.tandem.engine.core.Provisioning;
import io.tandem.engine.core.ResyncRate;
import io.tandem.engine.core.SplitBrainPolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A resource as the standalone runner reads it from a JSON file (README "The engine on its own").
 * Every problem is reported with the file, the key and what would be accepted.
 */
public record EngineConfig(Path file, String resource, String secret, Protocol protocol, String quorum,
    OnNoQuorum onNoQuorum, int activityLogExtents, List<Volume> volumes, List<Node> nodes,
    SplitBrainPolicy splitBrain, ResyncRate resyncRate, boolean checksumResync) {

  /** A config with the default split-brain policy (disconnect) and an unlimited resync rate. */
  public EngineConfig(Path file, String resource, String secret, Protocol protocol, String quorum,
      OnNoQuorum onNoQuorum, int activityLogExtents, List<Volume> volumes, List<Node> nodes) {
    this(file, resource, secret, protocol, quorum, onNoQuorum, activityLogExtents, volumes, nodes,
        SplitBrainPolicy.DISCONNECT, ResyncRate.UNLIMITED, false);
  }

  /** Replication protocol (completion semantics, REPLICATION.md "Writes, reads, flushes"). */
  public enum Protocol { A, B, C }

  /** What a Primary does when it loses quorum. */
  public enum OnNoQuorum { IO_ERROR, SUSPEND_IO }

  public record Volume(int number, long sizeKib, Provisioning provisioning) {
    public long sizeBytes() {
      return sizeKib * 1024;
    }
  }

  /** One node; {@code dataDirectory} is already resolved against the config file's folder. */
  public record Node(String name, int nodeId, InetSocketAddress address, Path dataDirectory, boolean diskless,
      InetSocketAddress nbd, InetSocketAddress admin) {}

  /** Thrown for a config that cannot be used; the message says where and why. */
  public static final class ConfigException extends Exception {
    public ConfigException(String message) {
      super(message);
    }
  }

  public Node node(String name) throws ConfigException {
    for (Node node : nodes) {
      if (node.name().equals(name)) {
        return node;
      }
    }
    List<String> names = new ArrayList<>();
    nodes.forEach(node -> names.add(node.name()));
    throw new ConfigException(file + ": no node named '" + name + "'; the config has " + names);
  }

  public static EngineConfig read(Path file) throws ConfigException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + " does not exist");
    } catch (JsonProcessingException e) {
      throw new ConfigException(file + " is not valid JSON: " + e.getOriginalMessage() + " at line "
          + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException(file + ": the config must be a JSON object");
    }
    Reader reader = new Reader(file);
    String resource = reader.name(root, "resource");
    String secret = reader.text(root, "secret");
    if (secret.isEmpty()) {
      throw new ConfigException(file + ": secret: must not be empty (peers prove they know it)");
    }
    Protocol protocol = reader.choice(root, "protocol", Protocol.class, Protocol.C);
    String quorum = reader.quorum(root);
    OnNoQuorum onNoQuorum = reader.choice(root, "on_no_quorum", OnNoQuorum.class, OnNoQuorum.IO_ERROR);
    int activityLogExtents = (int) reader.integer(root, "al_extents", ActivityLog.DEFAULT_CAPACITY, 67, 3563);
    List<Volume> volumes = new ArrayList<>();
    Set<Integer> numbers = new HashSet<>();
    JsonNode volumeArray = reader.array(root, "volumes");
    for (int i = 0; i < volumeArray.size(); i++) {
      JsonNode volume = volumeArray.get(i);
      String where = "volumes[" + i + "]";
      reader.requireObject(volume, where);
      int number = (int) reader.integer(volume, where, "number", null, 0, 65535);
      long sizeKib = reader.integer(volume, where, "size_kib", null, 4, Long.MAX_VALUE / 1024);
      if (sizeKib % 4 != 0) {
        throw new ConfigException(file + ": " + where + ".size_kib: " + sizeKib + " is not a multiple of 4"
            + " (volumes are made of 4 KiB blocks)");
      }
      Provisioning provisioning = reader.choice(volume, where, "provisioning", Provisioning.class, Provisioning.THIN);
      if (!numbers.add(number)) {
        throw new ConfigException(file + ": " + where + ".number: volume " + number + " is defined twice");
      }
      volumes.add(new Volume(number, sizeKib, provisioning));
    }
    if (volumes.isEmpty()) {
      throw new ConfigException(file + ": volumes: at least one volume is needed");
    }
    List<Node> nodes = new ArrayList<>();
    Set<String> nodeNames = new HashSet<>();
    Set<Integer> nodeIds = new HashSet<>();
    JsonNode nodeArray = reader.array(root, "nodes");
    for (int i = 0; i < nodeArray.size(); i++) {
      JsonNode node = nodeArray.get(i);
      String where = "nodes[" + i + "]";
      reader.requireObject(node, where);
      String name = reader.name(node, where, "name");
      int nodeId = (int) reader.integer(node, where, "node_id", null, 0, 31);
      if (!nodeNames.add(name)) {
        throw new ConfigException(file + ": " + where + ".name: node '" + name + "' is defined twice");
      }
      if (!nodeIds.add(nodeId)) {
        throw new ConfigException(file + ": " + where + ".node_id: node id " + nodeId + " is used twice");
      }
      Path folder = file.toAbsolutePath().getParent();
      Path dataDir = folder.resolve(reader.text(node, where, "data_dir")).normalize();
      nodes.add(new Node(name, nodeId, reader.address(node, where, "address"), dataDir,
          reader.bool(node, where, "diskless", false), reader.address(node, where, "nbd"),
          reader.address(node, where, "admin")));
    }
    if (nodes.isEmpty()) {
      throw new ConfigException(file + ": nodes: at least one node is needed");
    }
    SplitBrainPolicy splitBrain = reader.splitBrain(root);
    ResyncRate resyncRate = reader.resyncRate(root);
    JsonNode resync = root.get("resync");
    boolean checksums = resync != null && resync.isObject() && reader.bool(resync, "resync", "checksums", false);
    return new EngineConfig(file, resource, secret, protocol, quorum, onNoQuorum, activityLogExtents,
        List.copyOf(volumes), List.copyOf(nodes), splitBrain, resyncRate, checksums);
  }

  /** Reads typed values with messages naming the file and key. */
  private static final class Reader {
    private final Path file;

    Reader(Path file) {
      this.file = file;
    }

    ConfigException problem(String where, String key, String what) {
      return new ConfigException(file + ": " + (where.isEmpty() ? "" : where + ".") + key + ": " + what);
    }

    void requireObject(JsonNode node, String where) throws ConfigException {
      if (!node.isObject()) {
        throw new ConfigException(file + ": " + where + ": must be a JSON object");
      }
    }

    JsonNode required(JsonNode parent, String where, String key) throws ConfigException {
      JsonNode value = parent.get(key);
      if (value == null || value.isNull()) {
        throw problem(where, key, "missing");
      }
      return value;
    }

    String text(JsonNode parent, String key) throws ConfigException {
      return text(parent, "", key);
    }

    String text(JsonNode parent, String where, String key) throws ConfigException {
      JsonNode value = required(parent, where, key);
      if (!value.isTextual()) {
        throw problem(where, key, "must be a string, found " + value);
      }
      return value.asText();
    }

    String name(JsonNode parent, String key) throws ConfigException {
      return name(parent, "", key);
    }

    /** Resource and node names: what LINSTOR accepts (letters, digits, '_' and '-', starting with a letter or '_'). */
    String name(JsonNode parent, String where, String key) throws ConfigException {
      String name = text(parent, where, key);
      if (!name.matches("[A-Za-z_][A-Za-z0-9_-]{0,47}")) {
        throw problem(where, key, "'" + name + "' is not a valid name: use 1 to 48 letters, digits, '_' or '-',"
            + " starting with a letter or '_'");
      }
      return name;
    }

    JsonNode array(JsonNode parent, String key) throws ConfigException {
      JsonNode value = required(parent, "", key);
      if (!value.isArray()) {
        throw problem("", key, "must be a JSON array");
      }
      return value;
    }

    long integer(JsonNode parent, String key, long fallback, long min, long max) throws ConfigException {
      return integer(parent, "", key, fallback, min, max);
    }

    long integer(JsonNode parent, String where, String key, Long fallback, long min, long max)
        throws ConfigException {
      JsonNode value = parent.get(key);
      if (value == null || value.isNull()) {
        if (fallback == null) {
          throw problem(where, key, "missing");
        }
        return fallback;
      }
      if (!value.isIntegralNumber() || !value.canConvertToLong()) {
        throw problem(where, key, "must be a whole number, found " + value);
      }
      long number = value.asLong();
      if (number < min || number > max) {
        throw problem(where, key, number + " is not within " + min + ".." + max);
      }
      return number;
    }

    boolean bool(JsonNode parent, String where, String key, boolean fallback) throws ConfigException {
      JsonNode value = parent.get(key);
      if (value == null || value.isNull()) {
        return fallback;
      }
      if (!value.isBoolean()) {
        throw problem(where, key, "must be true or false, found " + value);
      }
      return value.asBoolean();
    }

    <E extends Enum<E>> E choice(JsonNode parent, String key, Class<E> type, E fallback) throws ConfigException {
      return choice(parent, "", key, type, fallback);
    }

    /** Enum values in any case, with '-' or '_' (DRBD writes "io-error"). */
    <E extends Enum<E>> E choice(JsonNode parent, String where, String key, Class<E> type, E fallback)
        throws ConfigException {
      JsonNode value = parent.get(key);
      if (value == null || value.isNull()) {
        return fallback;
      }
      String text = value.asText().trim().replace('-', '_').toUpperCase(Locale.ROOT);
      List<String> accepted = new ArrayList<>();
      for (E constant : type.getEnumConstants()) {
        if (constant.name().equals(text)) {
          return constant;
        }
        accepted.add(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
      }
      throw problem(where, key, "'" + value.asText() + "' is not one of " + accepted);
    }

    /** {@code split_brain}: disconnect (default), discard-zero-changes, discard-least-changes, discard-secondary. */
    SplitBrainPolicy splitBrain(JsonNode root) throws ConfigException {
      JsonNode value = root.get("split_brain");
      if (value == null || value.isNull()) {
        return SplitBrainPolicy.DISCONNECT;
      }
      SplitBrainPolicy policy = value.isTextual() ? SplitBrainPolicy.ofText(value.asText()) : null;
      if (policy == null) {
        List<String> accepted = new ArrayList<>();
        for (SplitBrainPolicy known : SplitBrainPolicy.values()) {
          accepted.add(known.text());
        }
        throw problem("", "split_brain", "'" + value.asText() + "' is not one of " + accepted);
      }
      return policy;
    }

    /**
     * {@code resync}: an object with {@code rate_kib} (a fixed rate in KiB/s; 0 = unlimited, the
     * default), or {@code min_rate_kib} and {@code max_rate_kib} (the dynamic controller); and
     * {@code checksums} (compare digests first, fetch only differing blocks).
     */
    ResyncRate resyncRate(JsonNode root) throws ConfigException {
      JsonNode resync = root.get("resync");
      if (resync == null || resync.isNull()) {
        return ResyncRate.UNLIMITED;
      }
      requireObject(resync, "resync");
      boolean dynamic = resync.has("min_rate_kib") || resync.has("max_rate_kib");
      if (dynamic && resync.has("rate_kib")) {
        throw problem("resync", "rate_kib", "give either rate_kib (a fixed rate) or min_rate_kib and max_rate_kib"
            + " (the dynamic controller), not both");
      }
      if (!dynamic) {
        return ResyncRate.fixed(integer(resync, "resync", "rate_kib", 0L, 0, 1L << 40));
      }
      long max = integer(resync, "resync", "max_rate_kib", null, 1, 1L << 40);
      long min = integer(resync, "resync", "min_rate_kib", 0L, 0, max);
      return ResyncRate.dynamic(min, max);
    }

    /** {@code off}, {@code majority}, {@code all} or a number of nodes (DRBD's quorum option). */
    String quorum(JsonNode root) throws ConfigException {
      JsonNode value = root.get("quorum");
      if (value == null || value.isNull()) {
        return "off";
      }
      String text = value.asText().trim().toLowerCase(Locale.ROOT);
      if (text.equals("off") || text.equals("majority") || text.equals("all") || text.matches("[1-9][0-9]?")) {
        return text;
      }
      throw problem("", "quorum", "'" + value.asText() + "' is not off, majority, all or a number of nodes 1..32");
    }

    InetSocketAddress address(JsonNode parent, String where, String key) throws ConfigException {
      String text = text(parent, where, key);
      int colon = text.lastIndexOf(':');
      if (colon <= 0) {
        throw problem(where, key, "'" + text + "' is not host:port");
      }
      String host = text.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(text.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw problem(where, key, "'" + text + "' has no numeric port");
      }
      if (port < 1 || port > 65535) {
        throw problem(where, key, "port " + port + " is not within 1..65535");
      }
      return InetSocketAddress.createUnresolved(host, port);
    }
  }

}
