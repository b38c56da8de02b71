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
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The runner's small admin HTTP API (README "The engine on its own"): {@code GET /status},
 * {@code POST /promote}, {@code POST /demote}. Answers are JSON; errors carry {@code error} with
 * what went wrong and what to do.
 */
final class AdminServer implements AutoCloseable {

  private static final long ROLE_CHANGE_TIMEOUT_SECONDS = 30;

  private final ReplicaRuntime runtime;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpServer server;

  AdminServer(ReplicaRuntime runtime, InetSocketAddress address) throws IOException {
    this.runtime = runtime;
    this.server = HttpServer.create(address, 16);
    server.createContext("/", this::route);
    server.setExecutor(Executors.newFixedThreadPool(2, runnable -> {
      Thread thread = new Thread(runnable, "admin-http");
      thread.setDaemon(true);
      return thread;
    }));
    server.start();
  }

  InetSocketAddress address() {
    return server.getAddress();
  }

  private void route(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      switch (path) {
        case "/status":
          if (requireMethod(exchange, method, "GET")) {
            send(exchange, 200, statusJson(runtime.status()));
          }
          break;
        case "/promote":
          if (requireMethod(exchange, method, "POST")) {
            changeRole(exchange, Role.Primary);
          }
          break;
        case "/demote":
          if (requireMethod(exchange, method, "POST")) {
            changeRole(exchange, Role.Secondary);
          }
          break;
        default:
          send(exchange, 404, error("no such endpoint: " + path + "; use GET /status, POST /promote or POST /demote"));
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

  private void changeRole(HttpExchange exchange, Role role) throws IOException {
    Effect.RequestCompleted done;
    try {
      done = runtime.request(id -> new Event.RoleRequest(id, role)).get(ROLE_CHANGE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      send(exchange, 503, error("the change to " + role + " did not finish within " + ROLE_CHANGE_TIMEOUT_SECONDS
          + " s; check GET /status"));
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      send(exchange, 503, error("interrupted"));
      return;
    } catch (java.util.concurrent.ExecutionException e) {
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

  static Map<String, Object> statusJson(ReplicaStatus status) {
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
      List<Object> peerVolumes = new ArrayList<>();
      for (ReplicaStatus.PeerVolume volume : peer.volumes()) {
        Map<String, Object> volumeEntry = new LinkedHashMap<>();
        volumeEntry.put("number", volume.number());
        volumeEntry.put("replication", volume.replication().name());
        volumeEntry.put("out_of_sync_kib", volume.outOfSyncKib());
        volumeEntry.put("done_percentage", volume.donePercentage());
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

  @Override
  public void close() {
    server.stop(0);
  }
}
