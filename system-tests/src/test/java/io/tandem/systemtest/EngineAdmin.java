package io.tandem.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The runner's admin HTTP API: {@code GET /status}, {@code POST /promote}, {@code POST /demote},
 * {@code POST /peers/{name}/disconnect|connect} ({@code GET /events} streams; see
 * EnginePeersSystemTest).
 */
final class EngineAdmin {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /** An answer: status code, the {@code Content-Type} and {@code Allow} headers, the body as JSON. */
    record Answer(int statusCode, String contentType, String allow, JsonNode body) {}

    private final InetSocketAddress address;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();

    EngineAdmin(InetSocketAddress address) {
        this.address = address;
    }

    JsonNode status() {
        Answer answer = send("GET", "/status");
        if (answer.statusCode() != 200) {
            throw new AssertionError("GET /status answered " + answer.statusCode() + ": " + answer.body());
        }
        return answer.body();
    }

    /** The status, or null while the runner does not answer yet. */
    JsonNode statusOrNull() {
        try {
            Answer answer = send("GET", "/status");
            return answer.statusCode() == 200 ? answer.body() : null;
        } catch (UncheckedIOException e) {
            return null;
        }
    }

    String role() {
        return status().get("role").asText();
    }

    /** Volume {@code number}'s entry of {@code GET /status}. */
    JsonNode volume(int number) {
        for (JsonNode volume : status().get("volumes")) {
            if (volume.get("number").asInt() == number) {
                return volume;
            }
        }
        throw new AssertionError("no volume " + number + " in " + status());
    }

    Answer post(String path) {
        return send("POST", path);
    }

    Answer send(String method, String path) {
        URI uri = URI.create("http://" + address.getHostString() + ":" + address.getPort() + path);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isBlank() ? null : JSON.readTree(response.body());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.headers().firstValue("Allow").orElse(""), body);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " on " + address, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
