package io.tandem.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.systemtest.EngineConfigFile.Provisioning;
import io.tandem.systemtest.EngineConfigFile.Volume;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Roles through the runner's admin API (REPLICATION.md "Roles and access"): a node starts
 * Secondary; a client attaching to the export auto-promotes it, and while one is attached it
 * refuses to demote and says why; the last client leaving demotes it; explicit promote and demote
 * work without clients. The API answers unknown paths and wrong methods with JSON errors.
 */
class EngineRunnerRolesSystemTest extends EngineRunnerTest {
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

    private EngineConfigFile config;
    private EngineAdmin admin;

    @BeforeEach
    void start() {
        config = EngineConfigFile.oneNode("res", new Volume(0, 64 * 1024, Provisioning.THIN));
        processes.startReady(config.writeTo(folder), config.onlyNode());
        admin = new EngineAdmin(config.onlyNode().admin());
    }

    private static ConditionFactory within(int seconds) {
        return Awaitility.await().atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(50));
    }

    private InetSocketAddress nbd() {
        InetSocketAddress nbd = config.onlyNode().nbd();
        return new InetSocketAddress(nbd.getHostString(), nbd.getPort());
    }

    @Test
    void aNodeStartsSecondaryWithItsDiskUpToDate() {
        JsonNode status = admin.status();

        assertThat(status.get("resource").asText()).isEqualTo("res");
        assertThat(status.get("node").asText()).isEqualTo("alpha");
        assertThat(status.get("node_id").asInt()).isZero();
        assertThat(status.get("role").asText()).isEqualTo("Secondary");
        assertThat(status.get("quorum").asBoolean()).isTrue();
        assertThat(status.get("peers")).isEmpty();
        JsonNode volume = admin.volume(0);
        assertThat(volume.get("disk_state").asText()).isEqualTo("UpToDate");
        assertThat(volume.get("size_kib").asLong()).isEqualTo(64 * 1024);
        assertThat(volume.get("al_hot_extents").asInt()).isZero();
    }

    @Test
    void anAttachedClientPromotesTheNodeBlocksADemoteAndItsLeavingDemotes() throws Exception {
        try (NbdClient client = NbdClient.attach(nbd(), "res/0", CLIENT_TIMEOUT)) {
            assertThat(client.sizeBytes()).isEqualTo(64L << 20);
            within(10).untilAsserted(() -> assertThat(admin.role()).isEqualTo("Primary"));

            EngineAdmin.Answer refused = admin.post("/demote");

            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(refused.contentType()).startsWith("application/json");
            assertThat(refused.body().get("error").asText()).contains("client");
            assertThat(admin.role()).isEqualTo("Primary");
            client.disconnect();
        }
        within(10).untilAsserted(() -> assertThat(admin.role()).isEqualTo("Secondary"));
    }

    @Test
    void aQemuIoSessionHoldsThePrimaryRoleUntilItQuits() throws Exception {
        Tool.assumeInstalled("qemu-io");
        // qemu-io reads its commands from stdin and stays attached until it reads "quit"
        Process qemuIo = new ProcessBuilder("qemu-io", "-f", "raw", config.onlyNode().nbdUri("res/0"))
                .directory(folder.toFile()).redirectErrorStream(true)
                .redirectOutput(folder.resolve("qemu-io.txt").toFile()).start();
        try (OutputStream commands = qemuIo.getOutputStream()) {
            commands.write("write -P 0x42 0 64k\n".getBytes(StandardCharsets.UTF_8));
            commands.flush();
            within(10).untilAsserted(() -> assertThat(admin.role()).isEqualTo("Primary"));
            within(10).untilAsserted(
                    () -> assertThat(folder.resolve("qemu-io.txt")).content().contains("wrote 65536/65536"));

            EngineAdmin.Answer refused = admin.post("/demote");
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(refused.body().get("error").asText()).contains("client");

            commands.write("quit\n".getBytes(StandardCharsets.UTF_8));
            commands.flush();
            assertThat(qemuIo.waitFor(Tool.TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(qemuIo.exitValue()).as(Files.readString(folder.resolve("qemu-io.txt"))).isZero();
        } finally {
            qemuIo.destroyForcibly();
        }
        within(10).untilAsserted(() -> assertThat(admin.role()).isEqualTo("Secondary"));
    }

    @Test
    void theLastOfSeveralClientsLeavingDemotes() throws Exception {
        NbdClient first = NbdClient.attach(nbd(), "res/0", CLIENT_TIMEOUT);
        try (first; NbdClient second = NbdClient.attach(nbd(), "res", CLIENT_TIMEOUT)) {
            within(10).untilAsserted(() -> assertThat(admin.role()).isEqualTo("Primary"));

            first.disconnect();
            // the second client still reads, and the node stays Primary for it
            assertThat(second.read(0, 4096)).containsOnly(0);
            assertThat(admin.role()).isEqualTo("Primary");
            assertThat(admin.post("/demote").statusCode()).isEqualTo(409);

            second.disconnect();
        }
        within(10).untilAsserted(() -> assertThat(admin.role()).isEqualTo("Secondary"));
    }

    @Test
    void aClientThatDropsTheConnectionWithoutSayingGoodbyeDemotesToo() throws Exception {
        try (NbdClient client = NbdClient.attach(nbd(), "res/0", CLIENT_TIMEOUT)) {
            within(10).untilAsserted(() -> assertThat(admin.role()).isEqualTo("Primary"));
        } // closed without NBD_CMD_DISC
        within(10).untilAsserted(() -> assertThat(admin.role()).isEqualTo("Secondary"));
    }

    @Test
    void promoteAndDemoteWorkWithoutClients() {
        EngineAdmin.Answer promoted = admin.post("/promote");
        assertThat(promoted.statusCode()).as("%s", promoted.body()).isEqualTo(200);
        assertThat(promoted.body().get("role").asText()).isEqualTo("Primary");
        assertThat(admin.role()).isEqualTo("Primary");

        EngineAdmin.Answer demoted = admin.post("/demote");
        assertThat(demoted.statusCode()).as("%s", demoted.body()).isEqualTo(200);
        assertThat(demoted.body().get("role").asText()).isEqualTo("Secondary");
        assertThat(admin.role()).isEqualTo("Secondary");
    }

    @Test
    void unknownPathsAndWrongMethodsGetJsonErrors() {
        EngineAdmin.Answer unknown = admin.send("GET", "/no-such-thing");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith("application/json");
        assertThat(unknown.body().get("error").asText()).contains("/no-such-thing");

        EngineAdmin.Answer getPromote = admin.send("GET", "/promote");
        assertThat(getPromote.statusCode()).isEqualTo(405);
        assertThat(getPromote.allow()).isEqualTo("POST");
        assertThat(getPromote.body().get("error").asText()).contains("GET", "/promote");

        EngineAdmin.Answer postStatus = admin.send("POST", "/status");
        assertThat(postStatus.statusCode()).isEqualTo(405);
        assertThat(postStatus.allow()).isEqualTo("GET");
        assertThat(postStatus.contentType()).startsWith("application/json");

        assertThat(admin.role()).as("nothing changed").isEqualTo("Secondary");
    }
}
