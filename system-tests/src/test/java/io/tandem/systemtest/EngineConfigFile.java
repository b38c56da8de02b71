package io.tandem.systemtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A resource config for the standalone runner (keys as {@code engine/.../runner/EngineConfig.java}
 * reads them), written by a test into its temporary folder, with free ports on 127.0.0.x.
 */
record EngineConfigFile(String resource, String quorum, Integer activityLogExtents, Integer resyncRateKib,
        List<Volume> volumes, List<Node> nodes) {

    /** How a volume's data file is allocated. */
    enum Provisioning {
        THIN, THICK;

        String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    record Volume(int number, long sizeKib, Provisioning provisioning) {
        long sizeBytes() {
            return sizeKib * 1024;
        }
    }

    /** One node; {@code dataDirectory} is relative to the config file's folder, as the runner resolves it. */
    record Node(String name, int nodeId, InetSocketAddress replication, String dataDirectory, InetSocketAddress nbd,
            InetSocketAddress admin) {

        /** A node on {@code host} with three free ports. */
        static Node onFreePorts(String name, int nodeId, String host) {
            return new Node(name, nodeId, freeAddress(host), name, freeAddress(host), freeAddress(host));
        }

        /** {@code nbd://host:port/export} */
        String nbdUri(String export) {
            return "nbd://" + nbd.getHostString() + ":" + nbd.getPort() + "/" + export;
        }
    }

    /** One node named alpha on 127.0.0.1 serving the given volumes, default activity-log size. */
    static EngineConfigFile oneNode(String resource, Volume... volumes) {
        return new EngineConfigFile(resource, "off", null, null, List.of(volumes),
                List.of(Node.onFreePorts("alpha", 0, "127.0.0.1")));
    }

    /** {@code count} nodes alpha, bravo, charlie... with node ids 0, 1, 2... on 127.0.0.1, 127.0.0.2, 127.0.0.3... */
    static EngineConfigFile nodes(int count, String resource, String quorum, Volume... volumes) {
        List<String> names = List.of("alpha", "bravo", "charlie", "delta", "echo");
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(Node.onFreePorts(names.get(i), i, "127.0.0." + (i + 1)));
        }
        return new EngineConfigFile(resource, quorum, null, null, List.of(volumes), List.copyOf(nodes));
    }

    EngineConfigFile withActivityLogExtents(int extents) {
        return new EngineConfigFile(resource, quorum, extents, resyncRateKib, volumes, nodes);
    }

    /** A fixed resync rate ({@code resync.rate_kib}). */
    EngineConfigFile withResyncRateKib(int rateKib) {
        return new EngineConfigFile(resource, quorum, activityLogExtents, rateKib, volumes, nodes);
    }

    Node node(String name) {
        return nodes.stream().filter(node -> node.name().equals(name)).findFirst().orElseThrow();
    }

    Node onlyNode() {
        if (nodes.size() != 1) {
            throw new IllegalStateException("the config has " + nodes.size() + " nodes");
        }
        return nodes.get(0);
    }

    /** Where the node keeps volume {@code number}'s data ({@code <resource>_<5 digits>.img}). */
    Path dataFile(Path configFolder, Node node, int number) {
        return configFolder.resolve(node.dataDirectory()).resolve(String.format("%s_%05d.img", resource, number));
    }

    Path metadataFile(Path configFolder, Node node, int number) {
        return configFolder.resolve(node.dataDirectory()).resolve(String.format("%s_%05d.meta", resource, number));
    }

    /** Writes {@code folder/config.json} and returns its path. */
    Path writeTo(Path folder) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("resource", resource);
        root.put("secret", "system-test-secret");
        root.put("protocol", "C");
        root.put("quorum", quorum);
        root.put("on_no_quorum", "io-error");
        if (activityLogExtents != null) {
            root.put("al_extents", activityLogExtents);
        }
        if (resyncRateKib != null) {
            root.putObject("resync").put("rate_kib", resyncRateKib);
        }
        ArrayNode volumeArray = root.putArray("volumes");
        for (Volume volume : volumes) {
            volumeArray.addObject().put("number", volume.number()).put("size_kib", volume.sizeKib())
                    .put("provisioning", volume.provisioning().json());
        }
        ArrayNode nodeArray = root.putArray("nodes");
        for (Node node : nodes) {
            nodeArray.addObject().put("name", node.name()).put("node_id", node.nodeId())
                    .put("address", hostPort(node.replication())).put("data_dir", node.dataDirectory())
                    .put("diskless", false).put("nbd", hostPort(node.nbd())).put("admin", hostPort(node.admin()));
        }
        try {
            Files.createDirectories(folder);
            Path file = folder.resolve("config.json");
            Files.writeString(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String hostPort(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }

    /** A port nobody listens on right now (another process may still take it before the runner does). */
    static InetSocketAddress freeAddress(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return InetSocketAddress.createUnresolved(host, socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        }
    }

    /** Whether every address can be bound now (for configs with fixed ports, such as the examples). */
    static boolean allFree(List<InetSocketAddress> addresses) {
        List<ServerSocket> bound = new ArrayList<>();
        try {
            for (InetSocketAddress address : addresses) {
                ServerSocket socket = new ServerSocket();
                bound.add(socket);
                socket.bind(new InetSocketAddress(address.getHostString(), address.getPort()), 1);
            }
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            for (ServerSocket socket : bound) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closing a probe socket; nothing to do
                }
            }
        }
    }
}
