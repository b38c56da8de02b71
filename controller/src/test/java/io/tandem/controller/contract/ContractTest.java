package io.tandem.controller.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.SimpleValidationReportFormat;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.whitelist.ValidationErrorsWhitelist;
import com.atlassian.oai.validator.whitelist.rule.WhitelistRules;
import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.core.util.Yaml;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.tandem.controller.rest.ErrorReporter;
import io.tandem.controller.testsupport.H2ControllerTest;
import io.tandem.controller.testsupport.RawHttp;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The contract of ADR 0001: the running controller and {@code openapi.yaml} (module api-spec)
 * describe the same API.
 * <ol>
 *   <li>The controller serves exactly the (method, path) pairs of the spec, no more and no less.</li>
 *   <li>A scripted walk through every operation of the spec, happy paths and client errors alike,
 *       gets only answers that the spec documents: status code, content type and body schema.</li>
 *   <li>{@code /openapi.yaml}, {@code /v3/api-docs} and the Swagger UI show that spec.</li>
 * </ol>
 */
class ContractTest extends H2ControllerTest {
    private static final String JSON = "application/json";
    private static final String SPEC_TEXT = readSpec();
    private static final OpenAPI SPEC = parse(SPEC_TEXT);
    /** "METHOD /path/{}" of every operation in the spec. */
    private static final Set<String> SPEC_OPERATIONS = operations(SPEC);

    /** Served by the controller but not part of the REST API, so not in the spec. */
    private static final Pattern NOT_API = Pattern.compile(
            "/error|/openapi\\.yaml|/v3/api-docs(\\.yaml)?(/.*)?|/swagger-ui(\\.html|/.*)?|/actuator(/.*)?");

    /**
     * Validates requests and answers against the spec, strictly: every finding is an error, an
     * undocumented status code is an error, and an answer field that the schema does not list is
     * an error too (the validator adds {@code additionalProperties: false} to every object schema
     * that lists {@code properties} and declares no {@code additionalProperties} of its own). That
     * is how the spec is meant: its response schemas are the complete shapes, and the free-form
     * maps ({@code Properties}, {@code unsupported_providers}, ...) say so with their own
     * {@code additionalProperties}. Nothing is relaxed by key; see {@link #check} for why the walk
     * sends a Content-Type although clients need not.
     *
     * <p>One exception, for exactly one answer: {@code GET /health} answers 200 with an empty
     * {@code text/plain} body, which the spec allows ("the body may be empty", example {@code ''}),
     * but the validator counts an empty body as no body at all and reports the string schema as
     * unanswered.
     */
    private static final OpenApiInteractionValidator VALIDATOR = OpenApiInteractionValidator
            .createForInlineApiSpecification(SPEC_TEXT)
            .withLevelResolver(LevelResolver.create().withDefaultLevel(ValidationReport.Level.ERROR).build())
            .withWhitelist(ValidationErrorsWhitelist.create().withRule("GET /health may answer an empty body",
                    WhitelistRules.allOf(WhitelistRules.methodIs(PathItem.HttpMethod.GET),
                            WhitelistRules.pathContainsRegexp("^/health$"), WhitelistRules.responseStatusIs(200),
                            WhitelistRules.messageHasKey("validation.response.body.missing"))))
            .build();

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    private RequestMappingHandlerMapping handlerMapping;

    @Autowired
    private ErrorReporter errorReporter;

    // ---- 1. served operations == specified operations ------------------------------------------

    @Test
    void controllerServesExactlyTheOperationsOfTheSpec() {
        Set<String> served = new TreeSet<>();
        for (RequestMappingInfo info : handlerMapping.getHandlerMethods().keySet()) {
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            for (String path : info.getPatternValues()) {
                if (NOT_API.matcher(path).matches()) {
                    continue;
                }
                if (methods.isEmpty()) {
                    served.add("ANY " + normalise(path)); // a mapping without a method answers every method
                }
                methods.forEach(method -> served.add(method.name() + " " + normalise(path)));
            }
        }
        Set<String> notInSpec = new TreeSet<>(served);
        notInSpec.removeAll(SPEC_OPERATIONS);
        Set<String> notServed = new TreeSet<>(SPEC_OPERATIONS);
        notServed.removeAll(served);

        assertThat(served).as("the API mappings found").contains("GET /v1/nodes", "GET /health");
        assertThat(notInSpec.isEmpty() && notServed.isEmpty())
                .withFailMessage("The controller and openapi.yaml disagree on the operations.%n"
                        + "Served but missing from the spec:%n  %s%nIn the spec but not served:%n  %s",
                        String.join("\n  ", notInSpec), String.join("\n  ", notServed))
                .isTrue();
    }

    /** {@code /v1/nodes/{node}}, {@code /x/{*key}}, {@code /x/{id:\d+}} all become {@code /x/{}}. */
    private static String normalise(String path) {
        return path.replaceAll("\\{[^/]*}", "{}");
    }

    // ---- 2. every answer of a walk through the API is one the spec documents -------------------

    /**
     * One request of the walk. {@code onSpec} says whether the request itself is one the spec
     * allows; requests that break it on purpose (bad JSON, unknown enum value, unparsable query
     * parameter, the lower-case enums our lenient wire rules accept) are checked to really break
     * it, and only their answers are validated.
     */
    private record Step(int status, String method, String target, String body, boolean onSpec) {
        @Override
        public String toString() {
            return method + " " + target + (body == null ? "" : " " + body);
        }
    }

    private static Step step(int status, String method, String target) {
        return new Step(status, method, target, null, true);
    }

    private static Step step(int status, String method, String target, String body) {
        return new Step(status, method, target, body, true);
    }

    private static Step offSpec(int status, String method, String target, String body) {
        return new Step(status, method, target, body, false);
    }

    /** JSON written with single quotes, so that a step fits on one line. */
    private static String json(String singleQuoted, Object... args) {
        return singleQuoted.formatted(args).replace('\'', '"');
    }

    @Test
    void everyAnswerOfAWalkThroughTheWholeApiIsDocumentedInTheSpec() {
        String node = unique("contract");
        String cliNode = unique("contract-cli");
        String missing = unique("missing");
        String pool = unique("pool");
        String spd = unique("spd");
        String kvs = unique("kvs");
        String prefix = "Aux/" + unique("contract");
        String key = (prefix + "/site").replace("/", "%2F"); // a key with '/' must be one path segment here
        String report1 = errorReporter.report(new IllegalStateException("contract test report 1"), null);
        String report2 = errorReporter.report(new IllegalStateException("contract test report 2"), null);
        long tomorrow = System.currentTimeMillis() + 86_400_000L;

        String props = "/v1/controller/properties";
        String nodes = "/v1/nodes";
        String theNode = nodes + "/" + node;
        String nowhere = nodes + "/" + missing;
        String netIfs = theNode + "/net-interfaces";
        String pools = theNode + "/storage-pools";
        String spds = "/v1/storage-pool-definitions";
        String stores = "/v1/key-value-store";
        String reports = "/v1/error-reports";
        String badJson = "{\"name\": ";
        String oneNetIf = "'net_interfaces':[{'name':'default','address':'10.0.0.1'}]";
        // resources: a diskful node with a pool, a diskless node, both cleared at the end by node lost
        String diskfulNode = unique("contract-diskful");
        String disklessNode = unique("contract-diskless");
        String resourcePool = unique("rpool");
        String rd = unique("res");
        String rdEmpty = unique("res");
        String rds = "/v1/resource-definitions";
        String theRd = rds + "/" + rd;
        String noRd = rds + "/" + missing;
        String vds = theRd + "/volume-definitions";
        String rscs = theRd + "/resources";
        String volumes = rscs + "/" + diskfulNode + "/volumes";
        int minor = 49_000 + (int) (System.nanoTime() % 900);

        List<Step> walk = List.of(
                // health and controller
                step(200, "GET", "/health"),
                step(200, "GET", "/v1/controller/version"),
                step(201, "POST", props, json("{'override_props':{'%s/site':'berlin','%s/rack':'r1'}}", prefix,
                        prefix)),
                step(400, "POST", props, json("{'override_props':{'/lead':'x'}}")),
                offSpec(400, "POST", props, badJson),
                step(200, "GET", props),
                step(200, "DELETE", props + "/" + key),
                step(404, "DELETE", props + "/" + key),
                step(400, "DELETE", props + "/Aux%2Fbad%20key"),

                // nodes; the second one as the linstor CLI registers it, with enum values in lower case
                step(201, "POST", nodes, json("{'name':'%s','type':'SATELLITE','net_interfaces':[{'name':'default',"
                        + "'address':'10.0.0.1','satellite_port':3366,'satellite_encryption_type':'PLAIN',"
                        + "'is_active':true}]}", node)),
                offSpec(201, "POST", nodes, json("{'name':'%s','type':'satellite','net_interfaces':[{'name':'default',"
                        + "'address':'10.0.0.2','satellite_port':3366,'satellite_encryption_type':'plain',"
                        + "'is_active':true}]}", cliNode)),
                step(409, "POST", nodes, json("{'name':'%s','type':'SATELLITE',%s}", node.toUpperCase(), oneNetIf)),
                step(400, "POST", nodes, json("{'name':'-bad','type':'SATELLITE',%s}", oneNetIf)),
                offSpec(400, "POST", nodes, json("{'name':'%s','type':'SPACESHIP',%s}", missing, oneNetIf)),
                offSpec(400, "POST", nodes, badJson),
                step(200, "GET", nodes),
                step(200, "GET", nodes + "?nodes=" + node + "&nodes=" + cliNode + "&props=Aux/none&offset=0&limit=9"),
                offSpec(400, "GET", nodes + "?limit=-1", null),
                offSpec(400, "GET", nodes + "?limit=lots", null),
                step(200, "GET", theNode),
                step(404, "GET", nowhere),
                step(200, "PUT", theNode, json("{'override_props':{'Aux/rack':'r12'},'delete_props':['Aux/x']}")),
                offSpec(400, "PUT", theNode, json("{'node_type':'SPACESHIP'}")),
                step(404, "PUT", nowhere, "{}"),

                // net interfaces
                step(200, "GET", netIfs),
                step(404, "GET", nowhere + "/net-interfaces"),
                step(201, "POST", netIfs, json("{'name':'storage','address':'192.168.50.11'}")),
                step(409, "POST", netIfs, json("{'name':'STORAGE','address':'192.168.50.11'}")),
                step(400, "POST", netIfs, json("{'name':'other','address':'not-an-ip'}")),
                offSpec(400, "POST", netIfs, badJson),
                step(404, "POST", nowhere + "/net-interfaces", json("{'name':'storage','address':'192.168.50.11'}")),
                step(200, "GET", netIfs + "/storage"),
                step(404, "GET", netIfs + "/nosuch"),
                step(200, "PUT", netIfs + "/storage", json("{'name':'storage','address':'192.168.50.12',"
                        + "'satellite_port':3367,'satellite_encryption_type':'SSL'}")),
                step(400, "PUT", netIfs + "/storage", json("{'name':'renamed','address':'192.168.50.12'}")),
                offSpec(400, "PUT", netIfs + "/storage", json("{'name':'storage','address':'192.168.50.12',"
                        + "'satellite_encryption_type':'CARRIER_PIGEON'}")),
                step(404, "PUT", netIfs + "/nosuch", json("{'name':'nosuch','address':'10.0.0.9'}")),
                step(409, "PUT", netIfs + "/default",
                        json("{'name':'default','address':'10.0.0.1','is_active':false}")),
                step(409, "DELETE", netIfs + "/default"),
                step(200, "DELETE", netIfs + "/storage"),
                step(404, "DELETE", netIfs + "/storage"),

                // storage pool definitions
                step(201, "POST", spds,
                        json("{'storage_pool_name':'%s','props':{'MaxOversubscriptionRatio':'10'}}", spd)),
                step(409, "POST", spds, json("{'storage_pool_name':'%s'}", spd.toUpperCase())),
                step(400, "POST", spds, json("{'storage_pool_name':'ab'}")),
                offSpec(400, "POST", spds, badJson),
                step(200, "GET", spds),
                step(200, "GET", spds + "?offset=0&limit=1"),
                offSpec(400, "GET", spds + "?offset=-1&limit=1", null),
                step(200, "GET", spds + "/" + spd),
                step(404, "GET", spds + "/" + missing),
                step(200, "PUT", spds + "/" + spd, json("{'override_props':{'MaxOversubscriptionRatio':'5'}}")),
                step(400, "PUT", spds + "/" + spd, json("{'override_props':{'/lead':'x'}}")),
                step(404, "PUT", spds + "/" + missing, "{}"),
                step(409, "DELETE", spds + "/DfltDisklessStorPool"),
                step(200, "DELETE", spds + "/" + spd),
                step(404, "DELETE", spds + "/" + spd),

                // storage pools
                step(201, "POST", pools, json("{'storage_pool_name':'%s','provider_kind':'FILE_THIN',"
                        + "'props':{'StorDriver/StorPoolName':'/var/lib/tandem/%s'}}", pool, pool)),
                step(409, "POST", pools,
                        json("{'storage_pool_name':'%s','provider_kind':'DISKLESS'}", pool.toUpperCase())),
                step(400, "POST", pools, json("{'storage_pool_name':'nodir','provider_kind':'FILE'}")),
                offSpec(400, "POST", pools, json("{'storage_pool_name':'tape','provider_kind':'TAPE'}")),
                step(404, "POST", nowhere + "/storage-pools",
                        json("{'storage_pool_name':'%s','provider_kind':'DISKLESS'}", pool)),
                step(200, "GET", pools),
                step(200, "GET", pools + "?storage_pools=" + pool + "&props=StorDriver/FileDir&cached=true&limit=0"),
                offSpec(400, "GET", pools + "?cached=perhaps", null),
                step(404, "GET", nowhere + "/storage-pools"),
                step(200, "GET", pools + "/" + pool),
                step(404, "GET", pools + "/" + missing),
                step(200, "PUT", pools + "/" + pool,
                        json("{'override_props':{'Aux/tier':'fast'},'delete_namespaces':['Aux/old']}")),
                step(400, "PUT", pools + "/" + pool,
                        json("{'override_props':{'StorDriver/StorPoolName':'/elsewhere'}}")),
                step(404, "PUT", pools + "/" + missing, "{}"),
                step(200, "GET", "/v1/view/storage-pools"),
                step(200, "GET", "/v1/view/storage-pools?nodes=" + node + "&storage_pools=" + pool
                        + "&storage_pools=DfltDisklessStorPool&props=Aux/tier=fast&cached=false&offset=0&limit=5"),
                offSpec(400, "GET", "/v1/view/storage-pools?cached=perhaps", null),
                // in use: the node's FILE_THIN pool needs a satellite, and the definition has a pool
                step(409, "PUT", theNode, json("{'node_type':'CONTROLLER'}")),
                step(409, "DELETE", spds + "/" + pool),
                step(200, "DELETE", pools + "/" + pool),
                step(404, "DELETE", pools + "/" + pool),

                // key-value store
                step(200, "PUT", stores + "/" + kvs, json("{'override_props':{'pvc-4711/size':'1073741824'}}")),
                step(200, "PUT", stores + "/" + kvs, json("{'delete_props':['pvc-0815/size']}")),
                step(400, "PUT", stores + "/9-bad", "{}"),
                offSpec(400, "PUT", stores + "/" + kvs, badJson),
                step(200, "GET", stores),
                step(200, "GET", stores + "/" + kvs),
                step(404, "GET", stores + "/" + missing),
                step(200, "DELETE", stores + "/" + kvs),
                step(404, "DELETE", stores + "/" + kvs),

                // error reports (the two above were written through the controller's own ErrorReporter)
                step(200, "GET", reports),
                step(200, "GET", reports + "?since=0&to=" + tomorrow + "&exception=IllegalStateException&id=" + report1
                        + "&withContent=true&offset=0&limit=10"),
                offSpec(400, "GET", reports + "?since=yesterday", null),
                step(200, "GET", reports + "/" + report1),
                step(404, "GET", reports + "/" + missing),
                step(200, "DELETE", reports + "/" + report1),
                step(404, "DELETE", reports + "/" + report1),
                step(200, "PATCH", reports, json("{'ids':['%s']}", report2)),
                offSpec(400, "PATCH", reports, badJson),

                // resource definitions
                step(201, "POST", nodes, json("{'name':'%s','type':'SATELLITE',%s}", diskfulNode, oneNetIf)),
                step(201, "POST", nodes, json("{'name':'%s','type':'SATELLITE',%s}", disklessNode, oneNetIf)),
                step(201, "POST", nodes + "/" + diskfulNode + "/storage-pools", json("{'storage_pool_name':'%s',"
                        + "'provider_kind':'FILE_THIN','props':{'StorDriver/FileDir':'/srv/%s'}}", resourcePool,
                        resourcePool)),
                step(201, "POST", rds, json("{'resource_definition':{'name':'%s','props':{'Aux/owner':'contract'}},"
                        + "'drbd_peer_slots':7,'drbd_transport_type':'IP'}", rd)),
                step(409, "POST", rds, json("{'resource_definition':{'name':'%s'}}", rd.toUpperCase())),
                step(400, "POST", rds, json("{'resource_definition':{'name':'1bad'}}")),
                step(404, "POST", rds, json("{'resource_definition':{'name':'%s','resource_group_name':'%s'}}",
                        rdEmpty, missing)),
                offSpec(400, "POST", rds, badJson),
                step(201, "POST", rds, json("{'resource_definition':{'name':'%s'}}", rdEmpty)),
                step(200, "GET", rds),
                step(200, "GET", rds + "?resource_definitions=" + rd + "&props=Aux/owner=contract"
                        + "&with_volume_definitions=true&offset=0&limit=5"),
                offSpec(400, "GET", rds + "?with_volume_definitions=perhaps", null),
                step(200, "GET", theRd),
                step(404, "GET", noRd),
                step(200, "PUT", theRd, json("{'override_props':{'Aux/tier':'gold'},'drbd_peer_slots':6}")),
                step(400, "PUT", theRd, json("{'drbd_peer_slots':40}")),
                step(404, "PUT", theRd, json("{'resource_group':'%s'}", missing)),
                step(404, "PUT", noRd, "{}"),

                // volume definitions
                step(201, "POST", vds, json("{'volume_definition':{'size_kib':1048576,'flags':[]}}")),
                step(409, "POST", vds, json("{'volume_definition':{'volume_number':0,'size_kib':1024}}")),
                step(400, "POST", vds, json("{'volume_definition':{'size_kib':0}}")),
                step(404, "POST", noRd + "/volume-definitions", json("{'volume_definition':{'size_kib':1024}}")),
                offSpec(400, "POST", vds, badJson),
                step(200, "GET", vds),
                step(200, "GET", vds + "?offset=0&limit=1"),
                step(404, "GET", noRd + "/volume-definitions"),
                step(200, "GET", vds + "/0"),
                step(404, "GET", vds + "/7"),
                offSpec(400, "GET", vds + "/zero", null),
                step(200, "PUT", vds + "/0", json("{'size_kib':2097152,'override_props':{'Aux/x':'1'}}")),
                step(400, "PUT", vds + "/0", json("{'size_kib':1024}")),
                step(404, "PUT", vds + "/7", "{}"),
                step(201, "POST", rds + "/" + rdEmpty + "/volume-definitions",
                        json("{'volume_definition':{'volume_number':3,'size_kib':1024}}")),
                step(200, "DELETE", rds + "/" + rdEmpty + "/volume-definitions/3"),
                step(404, "DELETE", rds + "/" + rdEmpty + "/volume-definitions/3"),
                step(200, "DELETE", rds + "/" + rdEmpty),

                // resources, as the linstor CLI creates them (a list), and one by one
                step(201, "POST", rscs, json("[{'resource':{'node_name':'%s','props':{'StorPoolName':'%s'}}}]",
                        diskfulNode, resourcePool)),
                step(409, "POST", rscs, json("[{'resource':{'node_name':'%s'}}]", diskfulNode)),
                step(400, "POST", rscs, json("[{'resource':{'node_name':'%s'}}]", cliNode)),
                step(404, "POST", rscs, json("[{'resource':{'node_name':'%s'}}]", missing)),
                step(404, "POST", noRd + "/resources", json("[{'resource':{'node_name':'%s'}}]", diskfulNode)),
                offSpec(400, "POST", rscs, badJson),
                step(201, "POST", rscs + "/" + disklessNode,
                        json("{'resource':{'flags':['DRBD_DISKLESS']},'drbd_node_id':5}")),
                step(409, "POST", rscs + "/" + disklessNode, "{}"),
                step(400, "POST", rscs + "/" + cliNode, json("{'layer_list':['DRBD']}")),
                step(404, "POST", rscs + "/" + missing, "{}"),
                step(200, "GET", rscs),
                step(200, "GET", rscs + "?offset=0&limit=1"),
                step(404, "GET", noRd + "/resources"),
                step(200, "GET", rscs + "/" + diskfulNode),
                step(404, "GET", rscs + "/" + cliNode),
                step(200, "PUT", rscs + "/" + diskfulNode, json("{'override_props':{'Aux/backup':'nightly'}}")),
                step(400, "PUT", rscs + "/" + diskfulNode, json("{'override_props':{'/lead':'x'}}")),
                step(404, "PUT", rscs + "/" + cliNode, "{}"),
                // a volume definition added later adds a volume to every resource
                step(201, "POST", vds, json("{'volume_definition':{'size_kib':4096},'drbd_minor_number':%d}", minor)),
                step(409, "POST", vds, json("{'volume_definition':{'size_kib':4096},'drbd_minor_number':%d}", minor)),

                // volumes
                step(200, "GET", volumes),
                step(404, "GET", rscs + "/" + cliNode + "/volumes"),
                step(200, "GET", volumes + "/1"),
                step(404, "GET", volumes + "/9"),
                offSpec(400, "GET", volumes + "/one", null),
                step(200, "PUT", volumes + "/0", json("{'override_props':{'Aux/tier':'fast'}}")),
                step(400, "PUT", volumes + "/0", json("{'override_props':{'/lead':'x'}}")),
                step(404, "PUT", volumes + "/9", "{}"),

                // the resource view
                step(200, "GET", "/v1/view/resources"),
                step(200, "GET", "/v1/view/resources?nodes=" + diskfulNode + "&nodes=" + disklessNode + "&resources="
                        + rd + "&storage_pools=" + resourcePool + "&props=Aux/backup=nightly&cached=true"
                        + "&offset=0&limit=5"),
                offSpec(400, "GET", "/v1/view/resources?limit=-1", null),
                offSpec(400, "GET", "/v1/view/resources?cached=perhaps", null),

                // what is in use stays
                step(409, "DELETE", vds + "/1"),
                step(409, "DELETE", nodes + "/" + diskfulNode),
                step(409, "DELETE", nodes + "/" + diskfulNode + "/storage-pools/" + resourcePool),
                step(409, "PUT", nodes + "/" + disklessNode, json("{'node_type':'CONTROLLER'}")),

                // deleting: marked until the satellite confirms, or at once for a lost node
                step(200, "DELETE", rscs + "/" + disklessNode + "?keep_tiebreaker=true"),
                step(200, "DELETE", rscs + "/" + disklessNode),
                offSpec(400, "DELETE", rscs + "/" + diskfulNode + "?keep_tiebreaker=perhaps", null),
                step(404, "DELETE", rscs + "/" + cliNode),
                step(200, "DELETE", theRd),
                step(409, "POST", vds, json("{'volume_definition':{'size_kib':1024}}")),
                step(404, "DELETE", noRd),
                step(404, "DELETE", nodes + "/" + missing + "/lost"),
                step(200, "DELETE", nodes + "/" + diskfulNode + "/lost"),
                step(200, "PUT", nodes + "/" + disklessNode + "/lost"),
                step(404, "GET", theRd),

                // and the nodes go again
                step(200, "DELETE", theNode),
                step(200, "DELETE", nodes + "/" + cliNode),
                step(404, "DELETE", theNode));

        List<String> failures = new ArrayList<>();
        Map<String, Set<Integer>> statusesByOperation = new TreeMap<>();
        for (Step step : walk) {
            String operation = operationOf(step);
            if (operation == null) {
                failures.add(step + "\n    is not an operation of the spec");
                continue;
            }
            RawHttp.Response response = step.body() == null ? http().send(step.method(), step.target(), null)
                    : http().send(step.method(), step.target(), step.body(), "Content-Type", JSON); // see check()
            statusesByOperation.computeIfAbsent(operation, o -> new TreeSet<>()).add(response.status());
            List<String> problems = check(step, response);
            if (!problems.isEmpty()) {
                failures.add(step + "\n    -> " + response.status() + " " + response.body() + "\n    "
                        + String.join("\n    ", problems));
            }
        }

        Set<String> notWalked = new TreeSet<>(SPEC_OPERATIONS);
        statusesByOperation.forEach((operation, statuses) -> {
            if (statuses.stream().anyMatch(s -> s >= 200 && s < 300)) {
                notWalked.remove(operation);
            }
        });
        assertThat(failures)
                .withFailMessage("%d of %d steps got an answer the spec does not describe:%n%s",
                        failures.size(), walk.size(), String.join("\n", failures))
                .isEmpty();
        assertThat(notWalked)
                .withFailMessage("The walk never completes these operations successfully: %s%nWalked: %s",
                        notWalked, statusesByOperation)
                .isEmpty();
    }

    /**
     * What is wrong with the answer to {@code step}: a status other than the expected one, or any
     * validation finding. Bodies are sent with {@code Content-Type: application/json}, as the spec's
     * request bodies say. The wire rules also accept them without one (python-linstor sends none;
     * WireRulesTest covers that), but the validator silently skips body validation when a request
     * has no Content-Type, which would make the request half of every check vacuous.
     */
    private List<String> check(Step step, RawHttp.Response answer) {
        List<String> problems = new ArrayList<>();
        if (answer.status() != step.status()) {
            problems.add("expected status " + step.status() + ", got " + answer.status());
        }
        Request request = validatorRequest(step);
        SimpleResponse.Builder response = SimpleResponse.Builder.status(answer.status());
        answer.headers().forEach(response::withHeader);
        response.withBody(answer.body());
        ValidationReport report;
        if (step.onSpec()) {
            report = VALIDATOR.validate(request, response.build());
        } else {
            if (!VALIDATOR.validateRequest(request).hasErrors()) {
                problems.add("the request is marked as breaking the spec, but the spec allows it: use step(...)");
            }
            report = VALIDATOR.validateResponse(request.getPath(), request.getMethod(), response.build());
        }
        if (report.hasErrors()) {
            problems.add(SimpleValidationReportFormat.getInstance().apply(report).strip().replace("\n", "\n    "));
        }
        return problems;
    }

    /** The request as the validator sees it: the method, path, query, Content-Type and body that were sent. */
    private static Request validatorRequest(Step step) {
        int query = step.target().indexOf('?');
        String path = query < 0 ? step.target() : step.target().substring(0, query);
        SimpleRequest.Builder request = new SimpleRequest.Builder(step.method(), path);
        if (query >= 0) {
            Map<String, List<String>> params = new LinkedHashMap<>();
            for (String pair : step.target().substring(query + 1).split("&")) {
                String[] nameValue = pair.split("=", 2);
                params.computeIfAbsent(decode(nameValue[0]), n -> new ArrayList<>())
                        .add(nameValue.length > 1 ? decode(nameValue[1]) : "");
            }
            params.forEach(request::withQueryParam);
        }
        if (step.body() != null) {
            request.withContentType(JSON).withBody(step.body());
        }
        return request.build();
    }

    private static String decode(String raw) {
        return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    }

    /** "METHOD /path/{}" of the spec operation the step calls, or null. */
    private static String operationOf(Step step) {
        String path = step.target().split("\\?", 2)[0];
        for (String template : SPEC.getPaths().keySet()) {
            String regex = "\\Q" + template.replaceAll("\\{[^/]*}", "\\\\E[^/]+\\\\Q") + "\\E";
            if (path.matches(regex)) {
                String operation = step.method() + " " + normalise(template);
                return SPEC_OPERATIONS.contains(operation) ? operation : null;
            }
        }
        return null;
    }

    /** The checks above are only worth something while the validator is strict; this keeps it so. */
    @Test
    void theValidatorRejectsAnswersTheSpecDoesNotDescribe() {
        String node = "{'name':'alpha','type':'SATELLITE','props':{'Aux/site':'berlin'},"
                + "'net_interfaces':[{'name':'default','address':'10.0.0.1'%s}]%s}";
        assertThat(nodeFindings(200, JSON, json(node, "", ""))).as("a documented node").isEmpty();
        assertThat(nodeFindings(200, JSON, json(node, "", ",'colour':'blue'")))
                .as("an undocumented field").contains("validation.response.body.schema.additionalProperties");
        assertThat(nodeFindings(200, JSON, json("{'name':'alpha'}")))
                .as("a missing required field").contains("validation.response.body.schema.required");
        assertThat(nodeFindings(200, JSON, json(node, "", "").replace("SATELLITE", "satellite")))
                .as("an enum value in another case").contains("validation.response.body.schema.enum");
        assertThat(nodeFindings(200, JSON, json(node, ",'satellite_port':'3366'", "")))
                .as("a number written as a string").contains("validation.response.body.schema.type");
        assertThat(nodeFindings(418, JSON, json(node, "", "")))
                .as("an undocumented status").contains("validation.response.status.unknown");
        assertThat(nodeFindings(200, "text/plain", json(node, "", "")))
                .as("an undocumented content type").contains("validation.response.contentType.notAllowed");
        assertThat(findings(200, "/health", "text/plain", "")).as("the one whitelisted finding").isEmpty();
        assertThat(findings(500, "/health", "text/plain", "")).as("whitelisted for 200 only")
                .contains("validation.response.body.missing");
    }

    private static List<String> nodeFindings(int status, String contentType, String body) {
        return findings(status, "/v1/nodes/alpha", contentType, body);
    }

    private static List<String> findings(int status, String path, String contentType, String body) {
        ValidationReport report = VALIDATOR.validateResponse(path, Request.Method.GET,
                SimpleResponse.Builder.status(status).withContentType(contentType).withBody(body).build());
        return report.getMessages().stream().filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .flatMap(m -> Stream.concat(Stream.of(m), m.getNestedMessages().stream()))
                .map(ValidationReport.Message::getKey).toList();
    }

    /**
     * The examples are part of the documentation clients read; each must be a request or an
     * answer the spec itself accepts (path parameters are filled with "0").
     */
    @Test
    void everyExampleInTheSpecValidates() throws IOException {
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, PathItem> path : SPEC.getPaths().entrySet()) {
            String target = path.getKey().replaceAll("\\{[^/]*}", "0");
            for (Map.Entry<PathItem.HttpMethod, Operation> entry : path.getValue().readOperationsMap().entrySet()) {
                Request.Method method = Request.Method.valueOf(entry.getKey().name());
                Operation operation = entry.getValue();
                String name = entry.getKey() + " " + path.getKey();
                if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
                    for (Map.Entry<String, MediaType> media : operation.getRequestBody().getContent().entrySet()) {
                        if (media.getValue().getExample() != null) {
                            Request request = new SimpleRequest.Builder(method, target).withContentType(media.getKey())
                                    .withBody(Json.mapper().writeValueAsString(media.getValue().getExample())).build();
                            ValidationReport report = VALIDATOR.validateRequest(request);
                            if (report.hasErrors()) {
                                failures.add(name + " request example: " + format(report));
                            }
                        }
                    }
                }
                for (Map.Entry<String, ApiResponse> answer : operation.getResponses().entrySet()) {
                    ApiResponse response = answer.getValue();
                    if (response.get$ref() != null) {
                        response = SPEC.getComponents().getResponses()
                                .get(response.get$ref().substring(response.get$ref().lastIndexOf('/') + 1));
                    }
                    if (response.getContent() == null) {
                        continue;
                    }
                    for (Map.Entry<String, MediaType> media : response.getContent().entrySet()) {
                        Object example = media.getValue().getExample();
                        if (example == null || "".equals(example)) {
                            continue;
                        }
                        String body = example instanceof String text && !media.getKey().contains("json") ? text
                                : Json.mapper().writeValueAsString(example);
                        ValidationReport report = VALIDATOR.validateResponse(target, method, SimpleResponse.Builder
                                .status(Integer.parseInt(answer.getKey())).withContentType(media.getKey())
                                .withBody(body).build());
                        if (report.hasErrors()) {
                            failures.add(name + " " + answer.getKey() + " example: " + format(report));
                        }
                    }
                }
            }
        }
        assertThat(failures).withFailMessage("Examples the spec does not accept:%n%s", String.join("\n", failures))
                .isEmpty();
    }

    private static String format(ValidationReport report) {
        return SimpleValidationReportFormat.getInstance().apply(report).strip().replace("\n", " ");
    }

    // ---- 3. the published description is the spec ----------------------------------------------

    @Test
    void openapiYamlApiDocsAndSwaggerUiShowTheSpec() {
        RawHttp.Response yaml = http().get("/openapi.yaml");
        assertThat(yaml.status()).isEqualTo(200);
        assertThat(yaml.body()).isEqualTo(SPEC_TEXT);

        RawHttp.Response apiDocs = http().get("/v3/api-docs");
        assertThat(apiDocs.status()).as(apiDocs.toString()).isEqualTo(200);
        Map<String, Set<String>> documented = new TreeMap<>();
        apiDocs.json().get("paths").properties().forEach(path -> documented.put(path.getKey(),
                operationIds(path.getValue())));
        Map<String, Set<String>> specified = new TreeMap<>();
        SPEC.getPaths().forEach((path, item) -> specified.put(path, item.readOperationsMap().entrySet().stream()
                .map(e -> e.getKey().name() + " " + e.getValue().getOperationId())
                .collect(Collectors.toCollection(TreeSet::new))));
        assertThat(documented).as("paths and operations of /v3/api-docs").isEqualTo(specified);
        assertThat(apiDocs.json().at("/info/title").asText()).isEqualTo(SPEC.getInfo().getTitle());

        RawHttp.Response ui = http().get("/swagger-ui/index.html");
        assertThat(ui.status()).isEqualTo(200);
        assertThat(ui.header("Content-Type")).startsWith("text/html");
        assertThat(ui.body()).containsIgnoringCase("<html").contains("swagger-ui");
    }

    private static Set<String> operationIds(JsonNode pathItem) {
        Set<String> operations = new TreeSet<>();
        for (String method : List.of("get", "put", "post", "delete", "options", "head", "patch", "trace")) {
            if (pathItem.has(method)) {
                operations.add(method.toUpperCase() + " " + pathItem.get(method).path("operationId").asText());
            }
        }
        return operations;
    }

    // ---- the spec ------------------------------------------------------------------------------

    /** The spec as the controller ships it: the classpath resource it also serves at /openapi.yaml. */
    private static String readSpec() {
        try (InputStream in = ContractTest.class.getResourceAsStream("/openapi.yaml")) {
            assertThat(in).as("openapi.yaml on the classpath").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> operations(OpenAPI spec) {
        Set<String> operations = new TreeSet<>();
        spec.getPaths().forEach((path, item) -> item.readOperationsMap().keySet()
                .forEach(method -> operations.add(method.name() + " " + normalise(path))));
        return operations;
    }

    private static OpenAPI parse(String text) {
        try {
            return Yaml.mapper().readValue(text, OpenAPI.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
