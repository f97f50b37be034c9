package dev.switchboard.routing.proxy;

import dev.switchboard.bench.RouterBenchmark;
import dev.switchboard.routing.table.VersionConfig;
import dev.switchboard.schemas.VersionKey;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The request body's cost on the router's path: parsed once, checked, and written for the chosen version (its model
 * name in place of the client's); run with {@code -prof gc} for the bytes each request allocates doing so. (In the
 * benchmark's package to reach the package-private request.)
 */
public class RequestBodyBenchmark extends RouterBenchmark {

    private final ObjectMapper json = JsonMapper.builder().build();
    /** The router benchmark's request (bench/router/post.lua), with a user for stickiness. */
    private final byte[] body = """
        {"model":"Bench","messages":[{"role":"user","content":"Say hello"}],"user":"user-1"}"""
        .getBytes(StandardCharsets.UTF_8);
    private final VersionConfig version = VersionConfig.of(new VersionKey("LLM", "Bench", "v1"), "openai",
        "bench-v1", URI.create("http://127.0.0.1:1"), 90, true, true, Map.of());

    @Benchmark
    public byte[] parseAndRewrite() {
        final ApiRequest request = ApiRequest.parse(Operation.CHAT_COMPLETIONS, body, json);
        request.user();
        return request.forVersion(version, json);
    }
}
