package io.tandem.controller.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.controller.testsupport.H2ControllerTest;
import io.tandem.controller.testsupport.RawHttp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The wire rules real LINSTOR clients depend on (API.md §1.0, §3.4), sent byte for byte the way
 * python-linstor, golinstor and the linstor CLI send them.
 */
class WireRulesTest extends H2ControllerTest {

    private String createNode(String name) {
        RawHttp.Response created = http().send("POST", "/v1/nodes", """
                {"name":"%s","type":"satellite","net_interfaces":[{"name":"default","address":"10.0.0.1",
                 "satellite_port":3366,"satellite_encryption_type":"plain","is_active":true}]}""".formatted(name));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return name;
    }

    @Test
    void bodyWithoutContentTypeIsReadAsJson() {
        String name = unique("nocontenttype");
        RawHttp.Response created = http().send("POST", "/v1/nodes", """
                {"name":"%s","type":"satellite","net_interfaces":[{"name":"default","address":"10.0.0.1"}]}"""
                .formatted(name));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.header("Content-Type")).startsWith("application/json");
        assertThat(http().get("/v1/nodes/" + name).status()).isEqualTo(200);
    }

    @Test
    void bodySentAsFormOrTextIsStillJson() {
        // curl -d sends application/x-www-form-urlencoded; nothing may consume that body as a form
        String store = unique("formkvs");
        RawHttp.Response put = http().send("PUT", "/v1/key-value-store/" + store,
                "{\"override_props\":{\"a\":\"1\"}}", "Content-Type", "application/x-www-form-urlencoded");
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        RawHttp.Response text = http().send("PUT", "/v1/key-value-store/" + store,
                "{\"override_props\":{\"b\":\"2\"}}", "Content-Type", "text/plain");
        assertThat(text.status()).as(text.toString()).isEqualTo(200);
        assertThat(http().get("/v1/key-value-store/" + store).json().get(0).get("props"))
                .hasToString("{\"a\":\"1\",\"b\":\"2\"}");
    }

    @Test
    void numbersSentAsStringsAreAccepted() {
        String name = unique("stringport");
        RawHttp.Response created = http().send("POST", "/v1/nodes", """
                {"name":"%s","type":"SATELLITE","net_interfaces":[{"name":"default","address":"10.0.0.2",
                 "satellite_port":"3399"}]}""".formatted(name));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(http().get("/v1/nodes/" + name).json().at("/net_interfaces/0/satellite_port").asInt())
                .isEqualTo(3399);
        RawHttp.Response notANumber = http().send("POST", "/v1/nodes", """
                {"name":"%s","type":"SATELLITE","net_interfaces":[{"name":"default","address":"10.0.0.2",
                 "satellite_port":"lots"}]}""".formatted(unique("badport")));
        assertThat(notANumber.status()).isEqualTo(400);
        assertThat(notANumber.json().get(0).get("cause").asText()).contains("net_interfaces[0].satellite_port");
    }

    @Test
    void nullBooleansAreAccepted() {
        String name = unique("nullbool");
        RawHttp.Response created = http().send("POST", "/v1/nodes", """
                {"name":"%s","type":"satellite","net_interfaces":[{"name":"default","address":"10.0.0.3",
                 "is_active":null}]}""".formatted(name));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(http().get("/v1/nodes/" + name).json().at("/net_interfaces/0/is_active").asBoolean()).isTrue();
    }

    @Test
    void enumValuesInAnyCase() {
        for (String type : List.of("satellite", "Satellite", "SATELLITE", "combined")) {
            String name = unique("enumcase");
            RawHttp.Response created = http().send("POST", "/v1/nodes", """
                    {"name":"%s","type":"%s","net_interfaces":[{"name":"default","address":"10.0.0.4",
                     "satellite_encryption_type":"Plain"}]}""".formatted(name, type));
            assertThat(created.status()).as(type + ": " + created).isEqualTo(201);
            JsonNode node = http().get("/v1/nodes/" + name).json();
            assertThat(node.get("type").asText()).isEqualTo(type.toUpperCase());
            assertThat(node.at("/net_interfaces/0/satellite_encryption_type").asText()).isEqualTo("PLAIN");
        }
    }

    @Test
    void booleansInQueryStringsInAnySpelling() {
        for (String spelling : List.of("True", "true", "False", "false", "TRUE", "1", "0")) {
            RawHttp.Response response = http().get("/v1/error-reports?withContent=" + spelling);
            assertThat(response.status()).as(spelling).isEqualTo(200);
            RawHttp.Response cached = http().get("/v1/view/storage-pools?cached=" + spelling);
            assertThat(cached.status()).as(spelling).isEqualTo(200);
        }
        RawHttp.Response bad = http().get("/v1/view/storage-pools?cached=perhaps");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get(0).get("message").asText()).contains("cached");
    }

    @Test
    void unknownFieldsAndQueryParametersAreIgnored() {
        String name = unique("unknownfields");
        RawHttp.Response created = http().send("POST", "/v1/nodes", """
                {"name":"%s","type":"satellite","shiny_new_field":{"x":[1,2]},
                 "net_interfaces":[{"name":"default","address":"10.0.0.5","future":"yes"}]}""".formatted(name));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(http().get("/v1/nodes?limit=0&offset=0&frobnicate=1&nodes=" + name).json()).hasSize(1);
    }

    @Test
    void emptyFieldsAreLeftOut() {
        String name = createNode(unique("omitempty"));
        JsonNode node = http().get("/v1/nodes/" + name).json();
        assertThat(node.has("props")).as("empty props map is omitted: %s", node).isFalse();
        assertThat(node.has("flags")).as("empty flags list is omitted: %s", node).isFalse();
        assertThat(node.has("eviction_timestamp")).isFalse();
        List<String> nulls = new ArrayList<>();
        node.fields().forEachRemaining(e -> {
            if (e.getValue().isNull()) {
                nulls.add(e.getKey());
            }
        });
        assertThat(nulls).isEmpty();
    }

    @Test
    void namesAreCaseInsensitiveButSpelledAsCreated() {
        String name = "MixedCase-" + unique("n");
        createNode(name);
        RawHttp.Response byUpper = http().get("/v1/nodes/" + name.toUpperCase());
        assertThat(byUpper.status()).isEqualTo(200);
        assertThat(byUpper.json().get("name").asText()).isEqualTo(name);
        RawHttp.Response duplicate = http().send("POST", "/v1/nodes", """
                {"name":"%s","type":"satellite","net_interfaces":[{"name":"default","address":"10.0.0.1"}]}"""
                .formatted(name.toLowerCase()));
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.json().get(0).get("ret_code").asLong()).isEqualTo(RetCode.FAIL_EXISTS_NODE);
    }

    @Test
    void linstorNameRules() {
        long n = System.nanoTime() % 100000;
        Map<String, Integer> nodeNames = Map.of("1node" + n, 201, "a", 400, "bad_name", 400, "-lead", 400,
                "trail-", 400, "host" + n + ".example.com", 201, "x".repeat(64), 400);
        nodeNames.forEach((name, status) -> {
            RawHttp.Response response = http().send("POST", "/v1/nodes", """
                    {"name":"%s","type":"satellite","net_interfaces":[{"name":"default","address":"10.0.0.1"}]}"""
                    .formatted(name));
            assertThat(response.status()).as(name + ": " + response).isEqualTo(status);
            if (status == 400) {
                JsonNode entry = response.json().get(0);
                assertThat(entry.get("ret_code").asLong()).isEqualTo(RetCode.FAIL_INVLD_NODE_NAME);
                assertThat(entry.get("cause").asText()).isNotBlank();
                assertThat(entry.get("correction").asText()).isNotBlank();
            }
        });
        String node = createNode(unique("poolnames"));
        Map<String, Integer> poolNames = Map.of("ab", 400, "1pool", 400, "pool one", 400, "_pool-1", 201);
        poolNames.forEach((pool, status) -> {
            RawHttp.Response response = http().send("POST", "/v1/nodes/" + node + "/storage-pools",
                    RawHttp.json(Map.of("storage_pool_name", pool, "provider_kind", "DISKLESS")));
            assertThat(response.status()).as(pool + ": " + response).isEqualTo(status);
        });
    }

    @Test
    void modifyPatternOverridesDeletesAndDeletesNamespaces() {
        String name = createNode(unique("modify"));
        RawHttp.Response set = http().send("PUT", "/v1/nodes/" + name, """
                {"override_props":{"Aux/site":"a","Aux/rack/row":"3","Aux/rack/slot":"7","Keep":"me"}}""");
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        RawHttp.Response change = http().send("PUT", "/v1/nodes/" + name, """
                {"override_props":{"Aux/site":"b"},"delete_props":["Keep"],"delete_namespaces":["Aux/rack"]}""");
        assertThat(change.status()).as(change.toString()).isEqualTo(200);
        assertThat(http().get("/v1/nodes/" + name).json().get("props")).hasToString("{\"Aux/site\":\"b\"}");
        RawHttp.Response unsetDelete = http().send("PUT", "/v1/nodes/" + name, "{\"delete_props\":[\"Never/set\"]}");
        assertThat(unsetDelete.status()).isEqualTo(200);
        assertThat(unsetDelete.json().get(0).get("ret_code").asLong() & RetCode.MASK_SEVERITY)
                .isEqualTo(RetCode.MASK_WARN);
        RawHttp.Response badKey = http().send("PUT", "/v1/nodes/" + name, "{\"override_props\":{\"/lead\":\"x\"}}");
        assertThat(badKey.status()).isEqualTo(400);
        assertThat(badKey.json().get(0).get("ret_code").asLong()).isEqualTo(RetCode.FAIL_INVLD_PROP);
    }

    @Test
    void retCodesFollowLinstorsBitLayout() {
        String name = unique("retcode");
        RawHttp.Response created = http().send("POST", "/v1/nodes", """
                {"name":"%s","type":"satellite","net_interfaces":[{"name":"default","address":"10.0.0.1"}]}"""
                .formatted(name));
        long createdCode = created.json().get(0).get("ret_code").asLong();
        assertThat(createdCode).isEqualTo(RetCode.MASK_CRT | RetCode.MASK_NODE | RetCode.CREATED);
        long modified = http().send("PUT", "/v1/nodes/" + name, "{}").json().get(0).get("ret_code").asLong();
        assertThat(modified).isEqualTo(RetCode.MASK_MOD | RetCode.MASK_NODE | RetCode.MODIFIED);
        long deleted = http().delete("/v1/nodes/" + name).json().get(0).get("ret_code").asLong();
        assertThat(deleted).isEqualTo(RetCode.MASK_DEL | RetCode.MASK_NODE | RetCode.DELETED);
        RawHttp.Response missing = http().get("/v1/nodes/" + name);
        assertThat(missing.status()).isEqualTo(404);
        long notFound = missing.json().get(0).get("ret_code").asLong();
        assertThat(notFound).isNegative().isEqualTo(RetCode.FAIL_NOT_FOUND_NODE);
        assertThat(notFound & RetCode.MASK_CODE).isEqualTo(300);
        RawHttp.Response garbage = http().send("POST", "/v1/nodes", "{not json");
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(garbage.json().get(0).get("ret_code").asLong()).isEqualTo(RetCode.API_CALL_PARSE_ERROR);
    }

    @Test
    void pagingAppliesOnlyWithAPositiveLimit() {
        for (int i = 0; i < 3; i++) {
            createNode(unique("page"));
        }
        int all = http().get("/v1/nodes").json().size();
        assertThat(http().get("/v1/nodes?limit=0&offset=0").json()).hasSize(all);
        assertThat(http().get("/v1/nodes?limit=2&offset=1").json()).hasSize(2);
        assertThat(http().get("/v1/nodes?limit=-1").status()).isEqualTo(400);
    }

    @Test
    void unknownPathsAndMethodsAreApiCallRcErrors() {
        RawHttp.Response unknown = http().get("/v1/no-such-thing");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get(0).get("message").asText()).contains("/v1/no-such-thing");
        RawHttp.Response wrongMethod = http().send("PATCH", "/v1/nodes", "{}");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.json().get(0).has("ret_code")).isTrue();
    }

    @Test
    void largeListsAreGzippedForClientsThatAskForIt() {
        for (int i = 0; i < 10; i++) {
            createNode(unique("gzip"));
        }
        RawHttp.Response zipped = http().send("GET", "/v1/nodes", null, "Accept-Encoding", "gzip");
        assertThat(zipped.header("Content-Encoding")).isEqualTo("gzip");
    }

    @Test
    void otherFormatsAreClientErrors() {
        RawHttp.Response xml = http().send("POST", "/v1/nodes", "<node/>", "Content-Type", "application/xml");
        assertThat(xml.status()).isEqualTo(400);
        assertThat(xml.json().get(0).get("ret_code").asLong()).isEqualTo(RetCode.API_CALL_PARSE_ERROR);
        RawHttp.Response onlyXml = http().send("GET", "/v1/nodes", null, "Accept", "application/xml");
        assertThat(onlyXml.status()).isEqualTo(400);
        RawHttp.Response health = http().send("GET", "/health", null, "Accept", "application/json");
        assertThat(health.status()).isEqualTo(200);
    }

    /**
     * The linstor CLI's resource commands byte for byte (API.md §1.2, §3.4): no Content-Type,
     * the resources as a list with the pool in the StorPoolName prop, and numbers written as
     * strings as {@code resource-group spawn} and friends send them.
     */
    @Test
    void linstorCliResourceCommands() {
        String node = createNode(unique("cli-alpha"));
        String pool = unique("pool1");
        RawHttp.Response poolCreated = http().send("POST", "/v1/nodes/" + node + "/storage-pools", """
                {"storage_pool_name":"%s","provider_kind":"FILE_THIN","props":{"StorDriver/StorPoolName":"/var/lib/tandem/%s"}}"""
                .formatted(pool, pool));
        assertThat(poolCreated.status()).as(poolCreated.toString()).isEqualTo(201);
        String rd = unique("foo");

        RawHttp.Response rdCreated = http().send("POST", "/v1/resource-definitions",
                "{\"resource_definition\":{\"name\":\"%s\"}}".formatted(rd));
        assertThat(rdCreated.status()).as(rdCreated.toString()).isEqualTo(201);
        assertThat(rdCreated.json().get(0).get("ret_code").asLong())
                .isEqualTo(RetCode.MASK_CRT | RetCode.MASK_RSC_DFN | RetCode.CREATED);

        RawHttp.Response vdCreated = http().send("POST", "/v1/resource-definitions/" + rd + "/volume-definitions",
                "{\"volume_definition\":{\"size_kib\":1048576,\"flags\":[]}}");
        assertThat(vdCreated.status()).as(vdCreated.toString()).isEqualTo(201);

        RawHttp.Response created = http().send("POST", "/v1/resource-definitions/" + rd + "/resources",
                "[{\"resource\":{\"node_name\":\"%s\",\"props\":{\"StorPoolName\":\"%s\"}}}]".formatted(node, pool));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.header("Content-Type")).startsWith("application/json");

        // numbers as strings
        RawHttp.Response secondVolume = http().send("POST", "/v1/resource-definitions/" + rd + "/volume-definitions",
                "{\"volume_definition\":{\"volume_number\":\"1\",\"size_kib\":\"10485760\"}}");
        assertThat(secondVolume.status()).as(secondVolume.toString()).isEqualTo(201);
        String other = unique("bar");
        RawHttp.Response withSlots = http().send("POST", "/v1/resource-definitions",
                "{\"resource_definition\":{\"name\":\"%s\"},\"drbd_peer_slots\":\"3\"}".formatted(other));
        assertThat(withSlots.status()).as(withSlots.toString()).isEqualTo(201);
        RawHttp.Response onNode = http().send("POST", "/v1/resource-definitions/" + other + "/resources/" + node,
                "{\"resource\":{\"flags\":[\"drbd_diskless\"]},\"layer_list\":[\"drbd\",\"storage\"],"
                        + "\"drbd_node_id\":\"4\",\"drbd_tcp_ports\":[\"7777\"]}");
        assertThat(onNode.status()).as(onNode.toString()).isEqualTo(201);
        JsonNode drbd = http().get("/v1/resource-definitions/" + other + "/resources/" + node).json()
                .at("/layer_object/drbd");
        assertThat(drbd.get("node_id").asInt()).isEqualTo(4);
        assertThat(drbd.get("tcp_ports")).hasToString("[7777]");

        // python-linstor asks for the volume definitions in any spelling; the view as the CLI reads it
        for (String spelling : List.of("True", "true", "TRUE")) {
            RawHttp.Response list = http().get("/v1/resource-definitions?resource_definitions=" + rd
                    + "&with_volume_definitions=" + spelling);
            assertThat(list.status()).isEqualTo(200);
            assertThat(list.json().get(0).get("volume_definitions")).hasSize(2);
        }
        JsonNode view = http().get("/v1/view/resources?resources=" + rd + "&cached=true&limit=0&offset=0").json();
        assertThat(view).hasSize(1);
        JsonNode resource = view.get(0);
        assertThat(resource.has("state")).as("no state while the satellite is offline: %s", resource).isFalse();
        assertThat(resource.has("flags")).as("empty flags are left out: %s", resource).isFalse();
        assertThat(resource.get("props")).hasToString("{\"StorPoolName\":\"%s\"}".formatted(pool));
        assertThat(resource.at("/volumes/0/storage_pool_name").asText()).isEqualTo(pool);
        assertThat(resource.at("/volumes/0").has("state")).isFalse();
        assertThat(resource.at("/layer_object/drbd").has("connections")).isFalse();
        assertThat(resource.at("/layer_object/drbd/drbd_volumes/0/drbd_volume_definition/minor_number").asInt())
                .isBetween(1000, 49999);
        assertThat(resource.toString()).doesNotContain("null");

        // proxmox deletes with a Perl boolean; the answer is 200 and says the deletion waits
        RawHttp.Response deleted = http().delete("/v1/resource-definitions/" + other + "/resources/" + node
                + "?keep_tiebreaker=True");
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(deleted.json().get(0).get("message").asText()).contains("marked for deletion");
        RawHttp.Response rdDeleted = http().delete("/v1/resource-definitions/" + rd);
        assertThat(rdDeleted.status()).isEqualTo(200);
        assertThat(http().send("DELETE", "/v1/nodes/" + node + "/lost", null).status()).isEqualTo(200);
        assertThat(http().get("/v1/resource-definitions/" + rd).status()).isEqualTo(404);
    }

    /** python-linstor sends only an external name when the user gives one; the name is derived from it. */
    @Test
    void resourceDefinitionByExternalName() {
        String external = "Projekt " + unique("x") + "/Daten";
        RawHttp.Response created = http().send("POST", "/v1/resource-definitions",
                RawHttp.json(Map.of("resource_definition", Map.of("external_name", external))));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String name = created.json().get(0).get("obj_refs").get("RscDfn").asText();
        assertThat(name).startsWith("Projekt_x-").endsWith("_Daten");
        JsonNode definition = http().get("/v1/resource-definitions/" + name).json();
        assertThat(definition.get("external_name").asText()).isEqualTo(external);
        RawHttp.Response again = http().send("POST", "/v1/resource-definitions",
                RawHttp.json(Map.of("resource_definition", Map.of("external_name", external))));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get(0).get("ret_code").asLong()).isEqualTo(RetCode.FAIL_EXISTS_EXT_NAME);
    }
}
