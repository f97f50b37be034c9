package dev.switchboard.routing.proxy;

import dev.switchboard.routing.table.VersionConfig;
import dev.switchboard.schemas.VersionKey;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The request body's cost on the router's path: parsed once, checked, and written for the chosen version (its model
 * name in place of the client's); run with {@code -prof gc} for the bytes each request allocates doing so. (In the
 * benchmark's package to reach the package-private request.)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class RequestBodyBenchmark {

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
