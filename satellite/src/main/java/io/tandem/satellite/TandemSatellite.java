package io.tandem.satellite;

import io.tandem.link.LinkProtocol;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code java -jar tandem-satellite.jar --listen ADDRESS:PORT --data-dir DIR}. */
@Command(name = "tandem-satellite", mixinStandardHelpOptions = true, versionProvider = TandemSatellite.Version.class,
        description = "The Tandem node agent: serves the controller link and makes this node's desired state true.")
public final class TandemSatellite implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(TandemSatellite.class);

    /** The command line running this: its error stream and exit codes report our parameter errors. */
    @Spec
    CommandSpec spec;

    @Option(names = "--listen", defaultValue = "0.0.0.0:" + LinkProtocol.DEFAULT_PORT, paramLabel = "ADDRESS:PORT",
            description = "Where to listen for the controller (default: ${DEFAULT-VALUE}). IPv6 as [::1]:3366.")
    String listen;

    @Option(names = "--data-dir", defaultValue = "data", paramLabel = "DIR",
            description = "The satellite's own files (default: ${DEFAULT-VALUE}).")
    Path dataDirectory;

    @Option(names = "--cluster-secret-file", paramLabel = "FILE",
            description = "File holding the cluster secret the controller must prove it knows. "
                    + "Default: the environment variable TANDEM_CLUSTER_SECRET.")
    Path clusterSecretFile;

    public static void main(String[] args) {
        int exit = new CommandLine(new TandemSatellite()).execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    @Override
    public Integer call() throws Exception {
        InetSocketAddress address;
        try {
            address = ListenAddress.parse(listen);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        String secret = readSecret();
        Path data = dataDirectory.toAbsolutePath().normalize();
        Files.createDirectories(data);
        if (secret == null) {
            log.warn("No cluster secret configured (--cluster-secret-file or TANDEM_CLUSTER_SECRET): "
                    + "every controller will be refused until one is configured.");
        }
        Satellite satellite = new Satellite(new SatelliteConfig(address, data, secret));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            satellite.close();
            stopped.countDown();
        }, "satellite-shutdown"));
        try {
            satellite.start();
        } catch (IOException e) {
            satellite.close();
            spec.commandLine().getErr().println("tandem-satellite: " + e.getMessage());
            return 1;
        }
        log.info("Tandem satellite {} listening on {} (data in {})", Version.current(), satellite.listenAddress(),
                data);
        stopped.await();
        return 0;
    }

    private String readSecret() throws IOException {
        if (clusterSecretFile != null) {
            String fromFile;
            try {
                fromFile = Files.readString(clusterSecretFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Cannot read the cluster secret file "
                        + clusterSecretFile + ": " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + e.getMessage()));
            }
            if (fromFile.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "The cluster secret file " + clusterSecretFile + " is empty.");
            }
            return fromFile;
        }
        String fromEnvironment = System.getenv("TANDEM_CLUSTER_SECRET");
        return fromEnvironment == null || fromEnvironment.isBlank() ? null : fromEnvironment.strip();
    }

    static final class Version implements CommandLine.IVersionProvider {
        static String current() {
            return SatelliteBuild.version();
        }

        @Override
        public String[] getVersion() {
            return new String[] {"tandem-satellite " + current()};
        }
    }
}
