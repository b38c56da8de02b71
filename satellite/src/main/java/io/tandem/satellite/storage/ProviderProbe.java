package io.tandem.satellite.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Finds out which provider kinds this node supports. FILE and FILE_THIN (and DISKLESS) need only
 * a filesystem; LVM and ZFS kinds need their tools to be installed and to work, and each kind that
 * does not gets the reason.
 */
public final class ProviderProbe {
    /** What the node supports, and for each unsupported kind why not. */
    public record Providers(List<String> supported, Map<String, List<String>> unsupported) {
        public boolean supports(String kind) {
            return supported.contains(kind);
        }
    }

    private ProviderProbe() {
    }

    public static Providers probe() {
        List<String> supported = new ArrayList<>(List.of("DISKLESS", "FILE", "FILE_THIN"));
        Map<String, List<String>> unsupported = new LinkedHashMap<>();
        List<String> lvmProblems = problems(List.of("vgs", "--version"), List.of("lvcreate", "lvs"));
        List<String> zfsProblems = problems(List.of("zfs", "version"), List.of("zpool"));
        if (zfsProblems.isEmpty() && !Files.exists(Path.of("/dev/zfs"))) {
            zfsProblems = List.of("the ZFS kernel module is not loaded (/dev/zfs is missing)");
        }
        for (String kind : List.of("LVM", "LVM_THIN")) {
            if (lvmProblems.isEmpty()) {
                supported.add(kind);
            } else {
                unsupported.put(kind, lvmProblems);
            }
        }
        for (String kind : List.of("ZFS", "ZFS_THIN")) {
            if (zfsProblems.isEmpty()) {
                supported.add(kind);
            } else {
                unsupported.put(kind, zfsProblems);
            }
        }
        return new Providers(List.copyOf(supported), unsupported);
    }

    /** Runs {@code check}, and looks up {@code alsoNeeded} on the PATH; returns what is wrong. */
    private static List<String> problems(List<String> check, List<String> alsoNeeded) {
        List<String> problems = new ArrayList<>();
        for (String tool : alsoNeeded) {
            if (onPath(tool) == null) {
                problems.add("'" + tool + "' is not installed (not found on PATH)");
            }
        }
        Path tool = onPath(check.get(0));
        if (tool == null) {
            problems.add(0, "'" + check.get(0) + "' is not installed (not found on PATH)");
            return problems;
        }
        try {
            Process process = new ProcessBuilder(check).redirectErrorStream(true).start();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                problems.add("'" + String.join(" ", check) + "' did not answer within 5 s");
            } else if (process.exitValue() != 0) {
                String output = new String(process.getInputStream().readAllBytes()).strip();
                problems.add("'" + String.join(" ", check) + "' failed (exit " + process.exitValue() + ")"
                        + (output.isEmpty() ? "" : ": " + output.lines().findFirst().orElse("")));
            }
        } catch (IOException e) {
            problems.add("'" + String.join(" ", check) + "' cannot be run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problems.add("interrupted while checking '" + check.get(0) + "'");
        }
        return problems;
    }

    private static Path onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String directory : (path + ":/usr/sbin:/sbin").split(":")) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(directory, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
