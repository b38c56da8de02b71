package io.tandem.engine.runner;

import io.tandem.engine.core.Effect;
import io.tandem.engine.core.Event;
import io.tandem.engine.core.IoStatus;
import io.tandem.engine.core.Peer;
import io.tandem.engine.core.QuorumPolicy;
import io.tandem.engine.core.Role;
import io.tandem.engine.core.ReplicaSettings;
import io.tandem.engine.core.ReplicationProtocol;
import io.tandem.engine.core.ReplicaStatus;
import io.tandem.engine.core.VolumeSetup;
import io.tandem.engine.metadata.Superblock;
import io.tandem.engine.nbd.NbdServer;
import io.tandem.engine.peer.PeerEndpoint;
import io.tandem.engine.peer.PeerLinks;
import io.tandem.engine.peer.PeerTimings;
import io.tandem.engine.runtime.ReplicaNbdExports;
import io.tandem.engine.runtime.ReplicaRuntime;
import io.tandem.engine.storage.ChannelFileSystem;
import io.tandem.engine.volume.VolumeFileNames;
import io.tandem.engine.volume.VolumeStorage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The standalone runner: {@code java -jar tandem-engine.jar --config FILE --node NAME} runs that
 * node's side of the resource FILE describes, serving its volumes over NBD and a small admin API,
 * connected to the other nodes of the config over its replication address.
 */
@Command(name = "tandem-engine", mixinStandardHelpOptions = true, versionProvider = TandemEngine.Version.class,
    description = "Runs one node's side of a Tandem resource: its volumes on local files, served over NBD.")
public final class TandemEngine implements Callable<Integer> {

  private static final System.Logger LOG = System.getLogger(TandemEngine.class.getName());
  static final int EXIT_CONFIG = 2;
  static final int EXIT_STORAGE = 3;
  /** How often the core hears the time (resync pacing). */
  static final long TICK_MILLIS = 100;

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "the resource, as JSON")
  Path config;

  @Option(names = "--node", required = true, paramLabel = "NAME", description = "which node of the config this is")
  String nodeName;

  @Option(names = "--io-threads", paramLabel = "N", defaultValue = "8",
      description = "threads performing data and metadata I/O; 0 performs it on the thread of the request"
          + " (default: ${DEFAULT-VALUE})")
  int ioThreads;

  public static void main(String[] args) {
    System.exit(new CommandLine(new TandemEngine()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    EngineConfig resource;
    EngineConfig.Node node;
    try {
      resource = EngineConfig.read(config);
      node = resource.node(nodeName);
    } catch (EngineConfig.ConfigException e) {
      System.err.println("tandem-engine: " + e.getMessage());
      return EXIT_CONFIG;
    }
    if (ioThreads < 0 || ioThreads > 256) {
      System.err.println("tandem-engine: --io-threads " + ioThreads + " is not within 0..256");
      return EXIT_CONFIG;
    }
    List<Peer> peers = new ArrayList<>();
    for (EngineConfig.Node other : resource.nodes()) {
      if (other != node) {
        peers.add(new Peer(other.name(), other.nodeId(), other.diskless() ? Peer.Disk.DISKLESS : Peer.Disk.DISKFUL));
      }
    }
    List<VolumeSetup> setups = new ArrayList<>();
    Map<Integer, VolumeStorage> storages = new TreeMap<>();
    Map<Integer, Long> sizes = new TreeMap<>();
    try {
      openVolumes(resource, node, peers, setups, storages, sizes);
    } catch (IOException e) {
      closeAll(storages);
      System.err.println("tandem-engine: cannot open the volumes of " + resource.resource() + ": " + e.getMessage());
      return EXIT_STORAGE;
    }
    ReplicaSettings settings = new ReplicaSettings(resource.resource(), node.name(), node.nodeId(), peers,
        resource.activityLogExtents(), QuorumPolicy.parse(resource.quorum()),
        ReplicationProtocol.valueOf(resource.protocol().name()), resource.splitBrain(), resource.resyncRate(),
        resource.checksumResync())
        // a lost Primary gives up its quorum once its end of a dead link noticed, at the latest
        // this long (and a tick of the core's clock) after this node noticed
        .withPrimaryLeaseNanos(PeerTimings.DEFAULT.deadLinkNoticedWithin().plusMillis(2 * TICK_MILLIS).toNanos());
    ReplicaRuntime runtime = new ReplicaRuntime(settings, setups, storages, ioThreads,
        ReplicaRuntime.InvariantChecks.AFTER_EVERY_EVENT);
    ReplicaStatus attached;
    try {
      attached = runtime.start().get(60, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      runtime.close();
      System.err.println("tandem-engine: attaching the volumes failed: " + e);
      return EXIT_STORAGE;
    }
    // after the attach: the core knows its volumes before any peer connects
    PeerLinks links;
    try {
      links = peerLinks(resource, node, runtime);
    } catch (IllegalArgumentException e) {
      runtime.close();
      System.err.println("tandem-engine: " + config + ": the peers cannot be set up: " + e.getMessage());
      return EXIT_CONFIG;
    }
    NbdServer nbd = new NbdServer(new ReplicaNbdExports(runtime, resource.resource(), sizes));
    AdminServer admin = null;
    try {
      nbd.start(resolved(node.nbd()));
      admin = new AdminServer(runtime, resolved(node.admin()));
      if (links != null) {
        links.start();
      }
    } catch (IOException e) {
      nbd.close();
      if (admin != null) {
        admin.close();
      }
      if (links != null) {
        links.close();
      }
      runtime.close();
      System.err.println("tandem-engine: cannot listen: " + e.getMessage());
      return EXIT_CONFIG;
    }
    AdminServer adminServer = admin;
    // the core's clock: paces rate-limited resync
    java.util.concurrent.ScheduledExecutorService ticker = java.util.concurrent.Executors
        .newSingleThreadScheduledExecutor(task -> {
          Thread thread = new Thread(task, "tandem-tick-" + resource.resource());
          thread.setDaemon(true);
          return thread;
        });
    ticker.scheduleAtFixedRate(() -> {
      try {
        runtime.tell(new io.tandem.engine.core.Event.Tick(System.nanoTime()));
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "clock tick failed: {0}", e.toString());
      }
    }, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.log(System.Logger.Level.INFO, "stopping {0} on {1}", resource.resource(), node.name());
      nbd.close();
      adminServer.close();
      ticker.shutdownNow();
      demoteGracefully(runtime);
      if (links != null) {
        // before the runtime: the ends of the connections are still handled by a live core
        links.close();
      }
      try {
        runtime.close();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "closing the volumes failed: {0}", e.getMessage());
      }
      stopped.countDown();
    }, "shutdown"));
    StringBuilder disks = new StringBuilder();
    for (ReplicaStatus.Volume volume : attached.volumes()) {
      disks.append(" volume ").append(volume.number()).append(' ').append(volume.diskState());
    }
    System.out.println("tandem-engine: " + resource.resource() + " on " + node.name() + " (node id "
        + node.nodeId() + ") ready:" + disks + "; NBD on " + nbd.boundAddress() + ", admin on http://"
        + admin.address().getHostString() + ":" + admin.address().getPort()
        + (links == null ? "" : ", peers on " + links.boundAddress()));
    stopped.await();
    return 0;
  }

  /**
   * The links to every other node of the config, feeding {@code runtime} (not started yet); null
   * for a config with no other node. The node listens on its replication address and dials from
   * its host; the peers prove the config's secret.
   */
  static PeerLinks peerLinks(EngineConfig resource, EngineConfig.Node node, ReplicaRuntime runtime) {
    List<PeerEndpoint> endpoints = new ArrayList<>();
    for (EngineConfig.Node other : resource.nodes()) {
      if (other != node) {
        endpoints.add(new PeerEndpoint(other.name(), other.nodeId(), hostPort(other.address())));
      }
    }
    if (endpoints.isEmpty()) {
      return null;
    }
    return PeerBridge.connect(runtime, resource.resource(), node.nodeId(), hostPort(node.address()),
        resource.secret().getBytes(StandardCharsets.UTF_8), endpoints);
  }

  /** {@code host:port}, an IPv6 host in brackets. */
  static String hostPort(InetSocketAddress address) {
    String host = address.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  /**
   * A stop is graceful: the clients are gone (the last one leaving starts an auto-demotion), and a
   * node promoted by hand is demoted here, so the data is synced and the activity log left empty.
   * Bounded: after 10 s the files are closed anyway and the next start replays the log.
   */
  private static void demoteGracefully(ReplicaRuntime runtime) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    try {
      while (runtime.status().role() == Role.Primary && System.nanoTime() < deadline) {
        Effect.RequestCompleted done = runtime.request(
            id -> new Event.RoleRequest(id, Role.Secondary))
            .get(10, TimeUnit.SECONDS);
        if (done.status() != IoStatus.OK) {
          // an auto-demotion is already under way; give it a moment
          Thread.sleep(20);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.log(System.Logger.Level.WARNING, "demoting before the stop failed: {0}", e.toString());
    }
  }

  private static void openVolumes(EngineConfig resource, EngineConfig.Node node, List<Peer> peers,
      List<VolumeSetup> setups, Map<Integer, VolumeStorage> storages, Map<Integer, Long> sizes) throws IOException {
    if (!node.diskless()) {
      Files.createDirectories(node.dataDirectory());
    }
    ChannelFileSystem fileSystem = new ChannelFileSystem();
    for (EngineConfig.Volume volume : resource.volumes()) {
      sizes.put(volume.number(), volume.sizeBytes());
      if (node.diskless()) {
        setups.add(VolumeSetup.diskless(volume.number(), volume.sizeBytes()));
        continue;
      }
      VolumeFileNames names = VolumeFileNames.in(node.dataDirectory().toString(), resource.resource(),
          volume.number());
      VolumeStorage storage = VolumeStorage.openOrCreate(fileSystem, names, new VolumeStorage.Creation(
          volume.sizeBytes(), node.nodeId(), peers, volume.provisioning(), dayZeroUuid(resource, volume.number())));
      storages.put(volume.number(), storage);
      setups.add(VolumeSetup.diskful(volume.number(), volume.provisioning(), storage.image()));
    }
  }

  /**
   * The generation every replica of a new volume starts with ("day 0"): the same on every node,
   * derived from the resource, the volume and the secret, so replicas created empty are recognised
   * as in sync without a full initial sync, while replicas of unrelated resources never share one.
   * The first write after a promotion starts a new generation, so an empty replica created later
   * is never mistaken for an up-to-date one (DRBD-REFERENCE.md §4.1).
   */
  static long dayZeroUuid(EngineConfig resource, int volume) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      byte[] digest = sha256.digest(("tandem-day0\0" + resource.resource() + "\0" + volume + "\0" + resource.secret())
          .getBytes(StandardCharsets.UTF_8));
      long uuid = ByteBuffer.wrap(digest).getLong() & ~1L;
      if (io.tandem.engine.generation.Generations.isFullSyncMarker(uuid)) {
        uuid ^= 1L << 63; // never mistaken for a full-sync marker
      }
      return uuid == 0 || uuid == Superblock.JUST_CREATED_UUID ? 0x100 : uuid;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  private static void closeAll(Map<Integer, VolumeStorage> storages) {
    for (VolumeStorage storage : storages.values()) {
      try {
        storage.close();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "closing {0} failed: {1}", storage.dataPath(), e.getMessage());
      }
    }
  }

  private static InetSocketAddress resolved(InetSocketAddress address) {
    return new InetSocketAddress(address.getHostString(), address.getPort());
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = TandemEngine.class.getPackage().getImplementationVersion();
      return new String[] {"tandem-engine " + (version == null ? "(development build)" : version)};
    }
  }
}
