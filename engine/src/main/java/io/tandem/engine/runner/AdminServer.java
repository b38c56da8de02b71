package io.tandem.engine.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tandem.engine.core.Effect;
import io.tandem.engine.core.Event;
import io.tandem.engine.core.IoStatus;
import io.tandem.engine.core.ReplicaStatus;
import io.tandem.engine.core.Role;
import io.tandem.engine.runtime.ReplicaRuntime;
import io.tandem.engine.runtime.StateChange;
import io.tandem.engine.runtime.StateWatch;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntToLongFunction;

/**
 * The runner's small admin HTTP API (README "The engine on its own"): {@code GET /status},
 * {@code GET /events}, {@code POST /promote} (with {@code ?force=true} DRBD's {@code primary --force}),
 * {@code POST /demote},
 * {@code POST /peers/{name}/disconnect}, {@code POST /peers/{name}/connect}, {@code POST /verify}
 * and {@code POST /discard-my-data}. Answers are JSON;
 * errors carry {@code error} with what went wrong and what to do. {@code /events} streams one JSON
 * object per line until the client or the engine stops.
 */
final class AdminServer implements AutoCloseable {

  /** Clients of {@code /events} at once; more are answered 503. */
  static final int MAX_EVENT_CLIENTS = 16;
  /** Lines an {@code /events} client may fall behind before it is dropped. */
  static final int MAX_QUEUED_LINES = 1024;
  /** An {@code /events} stream without a change for this long gets a keepalive line. */
  static final long KEEPALIVE_SECONDS = 15;

  private static final System.Logger LOG = System.getLogger(AdminServer.class.getName());
  private static final long ROLE_CHANGE_TIMEOUT_SECONDS = 30;
  private static final long PEER_COMMAND_TIMEOUT_SECONDS = 10;
  private static final String ENDPOINTS = "use GET /status, GET /events, POST /promote, POST /demote,"
      + " POST /peers/{name}/disconnect, POST /peers/{name}/connect, POST /verify or POST /discard-my-data";

  private final ReplicaRuntime runtime;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpServer server;
  private final ExecutorService threads;
  private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();
  private volatile boolean closing;

  AdminServer(ReplicaRuntime runtime, InetSocketAddress address) throws IOException {
    this.runtime = runtime;
    this.server = HttpServer.create(address, 16);
    server.createContext("/", this::route);
    // a thread per exchange: each /events client keeps one for as long as it listens (bounded)
    this.threads = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "admin-http");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(threads);
    server.start();
  }

  InetSocketAddress address() {
    return server.getAddress();
  }

  private void route(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if (path.startsWith("/peers/")) {
        String[] parts = path.substring("/peers/".length()).split("/", -1);
        if (parts.length == 2 && !parts[0].isEmpty()
            && (parts[1].equals("disconnect") || parts[1].equals("connect"))) {
          if (requireMethod(exchange, method, "POST")) {
            peerCommand(exchange, parts[0], parts[1].equals("connect"));
          }
          return;
        }
      }
      switch (path) {
        case "/status":
          if (requireMethod(exchange, method, "GET")) {
            send(exchange, 200, statusJson(runtime.status(), runtime::queuedBytes));
          }
          break;
        case "/events":
          if (requireMethod(exchange, method, "GET")) {
            streamEvents(exchange);
          }
          break;
        case "/promote":
          if (requireMethod(exchange, method, "POST")) {
            Boolean force = forceParameter(exchange);
            if (force != null) {
              changeRole(exchange, Role.Primary, force);
            }
          }
          break;
        case "/demote":
          if (requireMethod(exchange, method, "POST")) {
            changeRole(exchange, Role.Secondary, false);
          }
          break;
        case "/verify":
          if (requireMethod(exchange, method, "POST")) {
            command(exchange, "starting a verify", Event.Verify::new);
          }
          break;
        case "/discard-my-data":
          if (requireMethod(exchange, method, "POST")) {
            command(exchange, "discarding this node's data", Event.DiscardMyData::new);
          }
          break;
        default:
          send(exchange, 404, error("no such endpoint: " + path + "; " + ENDPOINTS));
      }
    } catch (RuntimeException e) {
      send(exchange, 500, error("internal error: " + e));
    }
  }

  private boolean requireMethod(HttpExchange exchange, String method, String expected) throws IOException {
    if (method.equals(expected)) {
      return true;
    }
    exchange.getResponseHeaders().set("Allow", expected);
    send(exchange, 405, error(method + " is not allowed on " + exchange.getRequestURI().getPath() + "; use "
        + expected));
    return false;
  }

  /** The {@code force} query parameter of {@code /promote}: true, false, or null after a 400 answer. */
  private Boolean forceParameter(HttpExchange exchange) throws IOException {
    String query = exchange.getRequestURI().getRawQuery();
    if (query == null || query.isEmpty()) {
      return false;
    }
    boolean force = false;
    for (String pair : query.split("&")) {
      if (pair.equals("force=true") || pair.equals("force")) {
        force = true;
      } else if (!pair.equals("force=false")) {
        send(exchange, 400, error("unknown query parameter '" + pair + "' on /promote; the only one is force=true"
            + " (promote a node whose data is not UpToDate when no UpToDate copy is reachable)"));
        return null;
      }
    }
    return force;
  }

  private void changeRole(HttpExchange exchange, Role role, boolean force) throws IOException {
    Effect.RequestCompleted done;
    try {
      done = runtime.request(id -> new Event.RoleRequest(id, role, force))
          .get(ROLE_CHANGE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      send(exchange, 503, error("the change to " + role + " did not finish within " + ROLE_CHANGE_TIMEOUT_SECONDS
          + " s; check GET /status"));
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      send(exchange, 503, error("interrupted"));
      return;
    } catch (ExecutionException e) {
      send(exchange, 500, error("the change to " + role + " failed: " + e.getCause()));
      return;
    }
    if (done.status() == IoStatus.OK) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("role", runtime.status().role().name());
      send(exchange, 200, body);
    } else {
      send(exchange, 409, error(done.message()));
    }
  }

  /** Feeds an operator's command to the core; answers the status, or the core's refusal. */
  private void command(HttpExchange exchange, String what, java.util.function.LongFunction<Event> event)
      throws IOException {
    Effect.RequestCompleted done;
    try {
      done = runtime.request(event).get(PEER_COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      send(exchange, 503, error(what + " did not finish within " + PEER_COMMAND_TIMEOUT_SECONDS
          + " s; check GET /status"));
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      send(exchange, 503, error("interrupted"));
      return;
    } catch (ExecutionException e) {
      send(exchange, 500, error(what + " failed: " + e.getCause()));
      return;
    }
    if (done.status() == IoStatus.OK) {
      send(exchange, 200, statusJson(runtime.status(), runtime::queuedBytes));
    } else {
      send(exchange, done.status() == IoStatus.INVALID ? 400 : 409, error(done.message()));
    }
  }

  /** Disconnects from a peer and keeps it StandAlone ({@code connect} false), or connects again. */
  private void peerCommand(HttpExchange exchange, String name, boolean connect) throws IOException {
    ReplicaStatus status = runtime.status();
    ReplicaStatus.PeerStatus peer = null;
    List<String> names = new ArrayList<>();
    for (ReplicaStatus.PeerStatus candidate : status.peers()) {
      names.add(candidate.name());
      if (candidate.name().equals(name)) {
        peer = candidate;
      }
    }
    if (peer == null) {
      send(exchange, 404, error("'" + name + "' is not a peer of " + status.node() + " in resource "
          + status.resource() + "; its peers are " + names));
      return;
    }
    int nodeId = peer.nodeId();
    String what = (connect ? "connecting to " : "disconnecting from ") + name;
    command(exchange, what, id -> new Event.PeerCommand(id, nodeId, connect));
  }

  /**
   * Streams the state: the full status first, then a line per change, a keepalive after
   * {@link #KEEPALIVE_SECONDS} without one; until the client goes, falls too far behind, or the
   * server closes.
   */
  private void streamEvents(HttpExchange exchange) throws IOException {
    EventStream stream = new EventStream(MAX_QUEUED_LINES, this::changeLine);
    if (closing || streams.size() >= MAX_EVENT_CLIENTS || !streams.add(stream)) {
      send(exchange, 503, error(closing ? "the engine is stopping"
          : MAX_EVENT_CLIENTS + " clients already listen to /events; try again later"));
      return;
    }
    try (StateWatch.Subscription subscription = runtime.watch(stream)) {
      exchange.getResponseHeaders().set("Content-Type", "application/x-ndjson");
      exchange.getResponseHeaders().set("Cache-Control", "no-cache");
      // length 0: chunked, each line flushed as it comes
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      Map<String, Object> first = new LinkedHashMap<>();
      first.put("type", "status");
      first.putAll(statusJson(subscription.initial(), runtime::queuedBytes));
      writeLine(out, json.writeValueAsString(first));
      String keepalive = json.writeValueAsString(Map.of("type", "keepalive"));
      while (true) {
        String line = stream.next(KEEPALIVE_SECONDS, TimeUnit.SECONDS);
        if (stream.endReason() != null) {
          break;
        }
        writeLine(out, line == null ? keepalive : line);
      }
      if (EventStream.OVERFLOW.equals(stream.endReason())) {
        LOG.log(System.Logger.Level.WARNING, "an /events client at {0} fell {1} lines behind; its stream is closed",
            exchange.getRemoteAddress(), MAX_QUEUED_LINES);
      }
    } catch (IOException e) {
      // the client went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      // the last chunk goes out before close() may stop the server
      exchange.close();
      streams.remove(stream);
    }
  }

  private static void writeLine(OutputStream out, String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /**
   * One client's lines, filled by the watch thread without ever blocking it: a client more than
   * {@code capacity} lines behind is ended instead.
   */
  static final class EventStream implements Consumer<List<StateChange>> {
    static final String OVERFLOW = "too far behind";
    private static final String WAKE = "";

    private final BlockingQueue<String> lines;
    private final Function<StateChange, String> format;
    private volatile String endReason;

    EventStream(int capacity, Function<StateChange, String> format) {
      this.lines = new ArrayBlockingQueue<>(capacity);
      this.format = format;
    }

    @Override
    public void accept(List<StateChange> changes) {
      for (StateChange change : changes) {
        if (endReason != null) {
          return;
        }
        if (!lines.offer(format.apply(change))) {
          end(OVERFLOW);
          return;
        }
      }
    }

    /** Ends the stream: what is queued is dropped, the writer wakes and stops. */
    void end(String reason) {
      if (endReason == null) {
        endReason = reason;
      }
      lines.clear();
      lines.offer(WAKE);
    }

    /** Why the stream ended, or null while it runs. */
    String endReason() {
      return endReason;
    }

    /** The next line, or null when none came within the timeout. */
    String next(long timeout, TimeUnit unit) throws InterruptedException {
      return lines.poll(timeout, unit);
    }
  }

  private String changeLine(StateChange change) {
    try {
      return json.writeValueAsString(changeJson(change));
    } catch (IOException e) {
      throw new IllegalStateException("a change that cannot be written as JSON: " + change, e);
    }
  }

  /** A change as a line of {@code /events}: {@code {"type":"change","what":...}} (README). */
  static Map<String, Object> changeJson(StateChange change) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "change");
    if (change instanceof StateChange.RoleChange role) {
      body.put("what", "role");
      body.put("role", role.role().name());
    } else if (change instanceof StateChange.QuorumChange quorum) {
      body.put("what", "quorum");
      body.put("quorum", quorum.quorum().hasQuorum());
      body.put("quorum_reason", quorum.quorum().reason());
    } else if (change instanceof StateChange.DiskChange disk) {
      body.put("what", "disk");
      body.put("volume", disk.volume());
      body.put("disk_state", disk.diskState().name());
    } else if (change instanceof StateChange.ConnectionChange connection) {
      body.put("what", "peer");
      body.put("peer", connection.peer());
      body.put("node_id", connection.nodeId());
      body.put("connection", connection.connection().name());
    } else if (change instanceof StateChange.ReplicationChange replication) {
      body.put("what", "replication");
      body.put("peer", replication.peer());
      body.put("volume", replication.volume());
      body.put("replication", replication.replication().name());
    } else if (change instanceof StateChange.ResyncChange resync) {
      body.put("what", "resync");
      body.put("peer", resync.peer());
      body.put("volume", resync.volume());
      body.put("done_percentage", resync.donePercent());
    } else {
      throw new IllegalArgumentException("unknown change " + change);
    }
    return body;
  }

  /** The body of {@code GET /status}; {@code queuedBytes} by peer node id. */
  static Map<String, Object> statusJson(ReplicaStatus status, IntToLongFunction queuedBytes) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("resource", status.resource());
    body.put("node", status.node());
    body.put("node_id", status.nodeId());
    body.put("role", status.role().name());
    body.put("quorum", status.quorum().hasQuorum());
    body.put("quorum_reason", status.quorum().reason());
    List<Object> volumes = new ArrayList<>();
    for (ReplicaStatus.Volume volume : status.volumes()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("number", volume.number());
      entry.put("disk_state", volume.diskState().name());
      entry.put("size_kib", volume.sizeKib());
      entry.put("al_hot_extents", volume.activityLogHotExtents());
      entry.put("current_uuid", String.format("%016X", volume.currentUuid()));
      volumes.add(entry);
    }
    body.put("volumes", volumes);
    List<Object> peers = new ArrayList<>();
    for (ReplicaStatus.PeerStatus peer : status.peers()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", peer.name());
      entry.put("node_id", peer.nodeId());
      entry.put("connection", peer.connection().name());
      entry.put("queued_bytes", queuedBytes.applyAsLong(peer.nodeId()));
      if (peer.problem() != null) {
        entry.put("problem", peer.problem());
      }
      List<Object> peerVolumes = new ArrayList<>();
      for (ReplicaStatus.PeerVolume volume : peer.volumes()) {
        Map<String, Object> volumeEntry = new LinkedHashMap<>();
        volumeEntry.put("number", volume.number());
        volumeEntry.put("replication", volume.replication().name());
        volumeEntry.put("out_of_sync_kib", volume.outOfSyncKib());
        volumeEntry.put("done_percentage", volume.donePercentage());
        volumeEntry.put("resync_received_kib", volume.resyncReceivedBytes() / 1024);
        volumeEntry.put("resync_sent_kib", volume.resyncSentBytes() / 1024);
        if (volume.resyncKibPerSecond() != null) {
          volumeEntry.put("resync_kib_per_second", volume.resyncKibPerSecond());
        }
        if (volume.verify() != null) {
          Map<String, Object> verify = new LinkedHashMap<>();
          verify.put("running", volume.verify().running());
          verify.put("done_percentage", volume.verify().donePercentage());
          verify.put("mismatch_kib", volume.verify().mismatchKib());
          volumeEntry.put("verify", verify);
        }
        peerVolumes.add(volumeEntry);
      }
      entry.put("volumes", peerVolumes);
      peers.add(entry);
    }
    body.put("peers", peers);
    return body;
  }

  private static Map<String, Object> error(String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    return body;
  }

  private void send(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = (json.writerWithDefaultPrettyPrinter().writeValueAsString(body) + "\n")
        .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Ends the {@code /events} streams (each gets its last chunk, bounded to 1 s), then stops serving. */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    streams.forEach(stream -> stream.end("the engine stops"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    while (!streams.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    server.stop(0);
    threads.shutdownNow();
  }
}
