package io.tandem.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.systemtest.EngineConfigFile.Provisioning;
import io.tandem.systemtest.EngineConfigFile.Volume;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Quorum as the runner's config asks for it (REPLICATION.md "Quorum"): with {@code quorum
 * majority} and three diskful nodes, a node that sees none of its peers (each node holds both of
 * its peers StandAlone through {@code POST /peers/{name}/disconnect}) has no quorum, says so in
 * {@code GET /status}, and refuses promotion with the reason ("1 of 3 nodes visible, need 2") — so
 * three nodes cut off from each other never become three Primaries.
 */
class EngineRunnerQuorumSystemTest extends EngineRunnerTest {

    @Test
    void aNodeThatSeesNoneOfItsTwoPeersHasNoQuorumAndIsNotPromoted() {
        EngineConfigFile config = EngineConfigFile.nodes(3, "res", "majority",
                new Volume(0, 64 * 1024, Provisioning.THIN));
        Path file = config.writeTo(folder);
        for (EngineConfigFile.Node node : config.nodes()) {
            processes.startReady(file, node);
        }
        for (EngineConfigFile.Node node : config.nodes()) {
            EngineAdmin admin = new EngineAdmin(node.admin());
            for (EngineConfigFile.Node peer : config.nodes()) {
                if (peer != node) {
                    EngineAdmin.Answer held = admin.post("/peers/" + peer.name() + "/disconnect");
                    assertThat(held.statusCode()).as("%s: %s", node.name(), held.body()).isEqualTo(200);
                }
            }
        }

        Map<String, Boolean> quorum = new LinkedHashMap<>();
        Map<String, String> promoteAnswers = new LinkedHashMap<>();
        List<String> primaries = new ArrayList<>();
        for (EngineConfigFile.Node node : config.nodes()) {
            EngineAdmin admin = new EngineAdmin(node.admin());
            JsonNode status = admin.status();
            assertThat(status.get("peers")).allSatisfy(
                    peer -> assertThat(peer.get("connection").asText()).isEqualTo("StandAlone"));
            quorum.put(node.name(), status.get("quorum").asBoolean());
            EngineAdmin.Answer promote = admin.post("/promote");
            promoteAnswers.put(node.name(), promote.statusCode() + " " + promote.body());
            if (admin.role().equals("Primary")) {
                primaries.add(node.name());
            }
        }

        assertThat(primaries).as("promoted without quorum; answers to POST /promote: %s", promoteAnswers)
                .isEmpty();
        assertThat(quorum).as("quorum majority, 3 diskful nodes, no connection: nobody has quorum")
                .containsOnlyKeys("alpha", "bravo", "charlie").doesNotContainValue(true);
        assertThat(promoteAnswers.values()).allSatisfy(answer -> assertThat(answer).startsWith("409").contains(
                "quorum"));
    }
}
