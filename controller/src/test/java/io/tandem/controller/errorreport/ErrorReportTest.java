package io.tandem.controller.errorreport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.controller.testsupport.ControllerTestBase;
import io.tandem.controller.testsupport.RawHttp;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An unexpected failure becomes a 500 whose ApiCallRc names a stored error report, which the
 * error-report endpoints then show, filter and delete.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:error-reports;DB_CLOSE_DELAY=-1",
        "tandem.node-name=ctrl-under-test"})
@Import(ErrorReportTest.FailingEndpoint.class)
class ErrorReportTest extends ControllerTestBase {

    @TestConfiguration
    @RestController
    static class FailingEndpoint {
        @GetMapping("/test/fail")
        String fail() {
            throw new IllegalStateException("disk on fire");
        }
    }

    @Test
    void unexpectedErrorsAreReportedStoredAndManageable() {
        long before = System.currentTimeMillis();
        RawHttp.Response failed = http().get("/test/fail");
        assertThat(failed.status()).isEqualTo(500);
        JsonNode entry = failed.json().get(0);
        assertThat(entry.get("ret_code").asLong()).isNegative();
        assertThat(entry.get("message").asText()).contains("/test/fail");
        String id = entry.get("error_report_ids").get(0).asText();
        assertThat(entry.get("correction").asText()).contains(id);
        assertThat(failed.body()).doesNotContain("at io.tandem");

        JsonNode listed = http().get("/v1/error-reports?withContent=false&since=" + before).json();
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("filename").asText()).isEqualTo("ErrorReport-" + id + ".log");
        assertThat(listed.get(0).get("exception").asText()).isEqualTo(IllegalStateException.class.getName());
        assertThat(listed.get(0).get("exception_message").asText()).isEqualTo("disk on fire");
        assertThat(listed.get(0).get("node_name").asText()).isEqualTo("ctrl-under-test");
        assertThat(listed.get(0).has("text")).isFalse();

        JsonNode shown = http().get("/v1/error-reports/" + id).json();
        assertThat(shown.get(0).get("text").asText()).contains(id, "disk on fire", "GET /test/fail",
                "FailingEndpoint.fail");
        assertThat(http().get("/v1/error-reports?node=CTRL-UNDER-TEST").json()).hasSize(1);
        assertThat(http().get("/v1/error-reports?node=someone-else").json()).isEmpty();
        assertThat(http().get("/v1/error-reports?to=" + (before - 1)).json()).isEmpty();

        http().get("/test/fail");
        assertThat(http().get("/v1/error-reports").json()).hasSize(2);
        RawHttp.Response deleted = http().delete("/v1/error-reports/" + id);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(http().get("/v1/error-reports/" + id).status()).isEqualTo(404);
        RawHttp.Response bulk = http().send("PATCH", "/v1/error-reports", "{\"nodes\":[\"ctrl-under-test\"]}");
        assertThat(bulk.status()).isEqualTo(200);
        assertThat(bulk.json().get(0).get("message").asText()).startsWith("1 ");
        assertThat(http().get("/v1/error-reports").json()).isEmpty();
    }
}
