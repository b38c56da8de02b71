package io.tandem.controller.restart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tandem.controller.TandemController;
import io.tandem.controller.testsupport.RawHttp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Creates one of everything, stops the controller, starts a new one on the same database, and
 * checks that everything is still there, unchanged.
 */
final class RestartScenario {
    private static final List<String> STATE = List.of("/v1/nodes", "/v1/view/storage-pools",
            "/v1/storage-pool-definitions", "/v1/controller/properties", "/v1/key-value-store",
            "/v1/resource-definitions?with_volume_definitions=true", "/v1/view/resources");

    private final List<String> arguments;

    RestartScenario(String... arguments) {
        this.arguments = new ArrayList<>(List.of(arguments));
        this.arguments.add("--server.port=0");
    }

    void run() {
        Map<String, JsonNode> before;
        try (ConfigurableApplicationContext first = start()) {
            RawHttp http = new RawHttp(port(first));
            created(http.send("POST", "/v1/nodes", """
                    {"name":"alpha","type":"satellite","props":{"Aux/site":"berlin"},"net_interfaces":[
                      {"name":"default","address":"10.9.0.1"},
                      {"name":"storage","address":"fd00::1","satellite_port":3367,"satellite_encryption_type":"ssl"}]}"""));
            created(http.send("POST", "/v1/nodes", """
                    {"name":"Bravo","type":"combined","net_interfaces":[{"name":"default","address":"10.9.0.2"}]}"""));
            created(http.send("POST", "/v1/nodes/alpha/storage-pools", """
                    {"storage_pool_name":"pool1","provider_kind":"FILE_THIN",
                     "props":{"StorDriver/FileDir":"/srv/pool1","MaxOversubscriptionRatio":"4"}}"""));
            created(http.send("POST", "/v1/nodes/bravo/storage-pools", """
                    {"storage_pool_name":"ssd","provider_kind":"LVM_THIN","props":{"StorDriver/StorPoolName":"vg/thin"}}"""));
            created(http.send("POST", "/v1/storage-pool-definitions",
                    "{\"storage_pool_name\":\"spare\",\"props\":{\"Aux/tier\":\"cold\"}}"));
            created(http.send("POST", "/v1/controller/properties", "{\"override_props\":{\"Aux/cluster\":\"prod\"}}"));
            assertThat(http.send("PUT", "/v1/key-value-store/csi", "{\"override_props\":{\"pvc-1\":\"vol\"}}")
                    .status()).isEqualTo(200);
            created(http.send("POST", "/v1/resource-definitions", "{\"resource_definition\":{\"name\":\"res1\"}}"));
            created(http.send("POST", "/v1/resource-definitions/res1/volume-definitions",
                    "{\"volume_definition\":{\"size_kib\":1048576}}"));
            created(http.send("POST", "/v1/resource-definitions/res1/resources", """
                    [{"resource":{"node_name":"alpha","props":{"StorPoolName":"pool1"}}},
                     {"resource":{"node_name":"bravo","flags":["DRBD_DISKLESS"]}}]"""));
            assertThat(http.delete("/v1/resource-definitions/res1/resources/bravo").status()).isEqualTo(200);
            before = snapshot(http);
        }
        try (ConfigurableApplicationContext second = start()) {
            RawHttp http = new RawHttp(port(second));
            Map<String, JsonNode> after = snapshot(http);
            assertThat(after).isEqualTo(before);
            assertThat(after.get("/v1/nodes").toString()).contains("alpha", "Bravo", "berlin", "fd00::1");
            assertThat(after.get("/v1/view/storage-pools").toString()).contains("pool1", "ssd", "/srv/pool1");
            assertThat(after.get("/v1/key-value-store").toString()).contains("pvc-1");
            assertThat(after.get("/v1/view/resources").toString()).contains("res1", "pool1", "DELETE");
            // and it still works
            created(http.send("POST", "/v1/nodes", """
                    {"name":"charlie","type":"satellite","net_interfaces":[{"name":"default","address":"10.9.0.3"}]}"""));
            assertThat(http.get("/v1/nodes/ALPHA").json().get("name").asText()).isEqualTo("alpha");
        }
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(TandemController.class).run(arguments.toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
    }

    private static void created(RawHttp.Response response) {
        assertThat(response.status()).as(response.toString()).isIn(200, 201);
    }

    private static Map<String, JsonNode> snapshot(RawHttp http) {
        Map<String, JsonNode> state = new LinkedHashMap<>();
        for (String path : STATE) {
            RawHttp.Response response = http.get(path);
            assertThat(response.status()).as(path).isEqualTo(200);
            state.put(path, withoutTimestamps(response.json()));
        }
        return state;
    }

    /** Report entries carry the time they were made; everything else must be equal. */
    private static JsonNode withoutTimestamps(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove("created_at");
            object.forEach(RestartScenario::withoutTimestamps);
        } else if (node.isArray()) {
            node.forEach(RestartScenario::withoutTimestamps);
        }
        return node;
    }
}
