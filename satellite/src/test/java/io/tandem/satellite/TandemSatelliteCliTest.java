package io.tandem.satellite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The command line as {@code main} runs it (picocli's {@code execute}, minus the {@code System.exit}):
 * a mistake in the arguments exits non-zero with one clear line, not a stack trace, and starts nothing.
 */
class TandemSatelliteCliTest {
    @TempDir
    Path temp;

    private record Run(int exitCode, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new TandemSatellite());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int exitCode = command.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    @Test
    void aPortOutOfRangeExitsNonZeroWithAClearMessage() {
        Path data = temp.resolve("data");
        Run run = run("--listen", "127.0.0.1:99999", "--data-dir", data.toString());

        assertThat(run.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(run.err()).contains("--listen '127.0.0.1:99999': port 99999 is outside 0..65535");
        assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(data).as("nothing was started").doesNotExist();
    }

    @Test
    void aBadIpv6ListenAddressExitsNonZeroWithAClearMessage() {
        Run run = run("--listen", "[::1:3366", "--data-dir", temp.resolve("data").toString());
        assertThat(run.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(run.err()).contains("missing ']' after the IPv6 address").doesNotContain("\tat ");
    }

    @Test
    void anEmptyClusterSecretFileExitsNonZeroWithAClearMessage() throws IOException {
        Path secretFile = Files.writeString(temp.resolve("secret"), "  \n");
        Run run = run("--listen", "127.0.0.1:0", "--data-dir", temp.resolve("data").toString(),
                "--cluster-secret-file", secretFile.toString());
        assertThat(run.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(run.err()).contains("The cluster secret file " + secretFile + " is empty.")
                .doesNotContain("\tat ");
    }

    @Test
    void aMissingClusterSecretFileExitsNonZeroWithAClearMessage() {
        Path secretFile = temp.resolve("no-such-secret");
        Run run = run("--listen", "127.0.0.1:0", "--data-dir", temp.resolve("data").toString(),
                "--cluster-secret-file", secretFile.toString());
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains(secretFile.toString()).doesNotContain("\tat ");
        assertThat(temp.resolve("data")).as("nothing was started").doesNotExist();
    }

    @Test
    void anUnknownOptionExitsNonZero() {
        Run run = run("--listne", "127.0.0.1:3366");
        assertThat(run.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(run.err()).contains("--listne");
    }

    @Test
    void helpDescribesTheOptions() {
        Run run = run("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--listen=ADDRESS:PORT", "--data-dir=DIR", "--cluster-secret-file=FILE");
        assertThat(run.out().replaceAll("\\s+", "")).contains("(default:0.0.0.0:3366)");
    }

    @Test
    void versionNamesTheProgram() {
        Run run = run("--version");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("tandem-satellite ");
    }
}
