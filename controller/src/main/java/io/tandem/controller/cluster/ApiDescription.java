package io.tandem.controller.cluster;

import io.swagger.v3.core.util.Yaml;
import io.swagger.v3.oas.models.OpenAPI;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The API description is our own {@code openapi.yaml} (module api-spec), not a guess derived from
 * the code: it is served as written at {@code /openapi.yaml}, and springdoc's
 * {@code /v3/api-docs} and Swagger UI show its content.
 */
@Configuration(proxyBeanMethods = false)
@RestController
class ApiDescription {
    static final String SPEC_RESOURCE = "/openapi.yaml";

    private final String specText;

    ApiDescription() {
        try (InputStream in = ApiDescription.class.getResourceAsStream(SPEC_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("openapi.yaml is missing from the classpath (module tandem-api-spec)");
            }
            this.specText = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @GetMapping(path = SPEC_RESOURCE, produces = "application/yaml")
    ResponseEntity<String> spec() {
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/yaml")).body(specText);
    }

    @Bean
    OpenApiCustomizer ourSpecification() {
        OpenAPI ours;
        try {
            ours = Yaml.mapper().readValue(specText, OpenAPI.class);
        } catch (IOException e) {
            throw new UncheckedIOException("openapi.yaml cannot be parsed", e);
        }
        return generated -> {
            generated.setInfo(ours.getInfo());
            generated.setTags(ours.getTags());
            generated.setPaths(ours.getPaths());
            generated.setComponents(ours.getComponents());
            generated.setExternalDocs(ours.getExternalDocs());
        };
    }
}
