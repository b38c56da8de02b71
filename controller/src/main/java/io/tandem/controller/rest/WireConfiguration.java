package io.tandem.controller.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;

/**
 * The wire rules real LINSTOR clients depend on (API.md §1.0, §3.4): bodies without a
 * Content-Type, numbers sent as strings, {@code null} for booleans, unknown fields, snake_case
 * names, and empty fields left out of every answer.
 */
@Configuration(proxyBeanMethods = false)
class WireConfiguration {

    @Bean
    JsonMapperBuilderCustomizer linstorWireRules() {
        return builder -> builder
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .changeDefaultPropertyInclusion(inclusion -> inclusion
                        .withValueInclusion(JsonInclude.Include.NON_EMPTY)
                        .withContentInclusion(JsonInclude.Include.ALWAYS))
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                // "place_count": "2" is what the linstor CLI sends
                .withCoercionConfigDefaults(config -> config
                        .setCoercion(CoercionInputShape.String, CoercionAction.TryConvert));
    }

    /**
     * python-linstor sends JSON bodies without a Content-Type header; treat such bodies on the
     * REST API as JSON instead of answering 415.
     */
    @Bean
    FilterRegistrationBean<OncePerRequestFilter> defaultJsonContentType() {
        // first in the chain: before Spring's FormContentFilter can consume a PUT body sent as a form
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                                            FilterChain chain) throws ServletException, IOException {
                String contentType = request.getContentType();
                boolean untyped = contentType == null || contentType.isBlank()
                        || contentType.startsWith(MediaType.TEXT_PLAIN_VALUE)
                        || contentType.startsWith(MediaType.APPLICATION_FORM_URLENCODED_VALUE);
                if (untyped && request.getRequestURI().startsWith("/v1/")) {
                    chain.doFilter(new JsonTypedRequest(request), response);
                } else {
                    chain.doFilter(request, response);
                }
            }
        });
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /**
     * Property keys contain '/', and clients URL-encode it in paths such as
     * {@code DELETE /v1/controller/properties/Aux%2Fsite}; Tomcat rejects %2F unless told to decode it.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> decodeEncodedSlashes() {
        return factory -> factory.addConnectorCustomizers(connector -> connector.setEncodedSolidusHandling("decode"));
    }

    private static final class JsonTypedRequest extends HttpServletRequestWrapper {
        JsonTypedRequest(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getContentType() {
            return MediaType.APPLICATION_JSON_VALUE;
        }

        @Override
        public String getHeader(String name) {
            return HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name) ? MediaType.APPLICATION_JSON_VALUE : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name)
                    ? Collections.enumeration(java.util.List.of(MediaType.APPLICATION_JSON_VALUE))
                    : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            java.util.List<String> names = Collections.list(super.getHeaderNames());
            if (names.stream().noneMatch(HttpHeaders.CONTENT_TYPE::equalsIgnoreCase)) {
                names.add(HttpHeaders.CONTENT_TYPE);
            }
            return Collections.enumeration(names);
        }
    }
}
