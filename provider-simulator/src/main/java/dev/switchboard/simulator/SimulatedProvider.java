package dev.switchboard.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.commons.math3.random.Well19937c;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One fake provider on one port. It speaks OpenAI's chat completions (plain and SSE streaming) and model list,
 * Ollama's native chat (NDJSON streaming) and tag list, and exposes its knobs at {@code /sim/knobs} and its
 * call counts at {@code /sim/stats}.
 */
public final class SimulatedProvider implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimulatedProvider.class);
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final String name;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicReference<Knobs> knobs;
    private final LatencyModel latency = new LatencyModel(new Well19937c());
    private final LongAdder apiCalls = new LongAdder();
    private final LongAdder failedCalls = new LongAdder();
    private final AtomicInteger inFlight = new AtomicInteger();

    private SimulatedProvider(final String name, final HttpServer server, final Knobs initial) {
        this.name = name;
        this.server = server;
        this.knobs = new AtomicReference<>(initial);
    }

    /** Starts a provider on {@code port} (0 picks a free one) of the loopback-or-any {@code host}. */
    public static SimulatedProvider start(final String name, final String host, final int port, final Knobs initial)
        throws IOException {
        final HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 512);
        final SimulatedProvider provider = new SimulatedProvider(name, server, initial);
        server.setExecutor(provider.executor);
        server.createContext("/", provider::handle);
        server.start();
        log.info("Simulated provider {} listening on http://{}:{}", name, host, provider.port());
        return provider;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String name() {
        return name;
    }

    public Knobs knobs() {
        return knobs.get();
    }

    public void setKnobs(final Knobs next) {
        knobs.set(next);
        log.info("Simulated provider {} knobs now {}", name, next);
    }

    public long apiCalls() {
        return apiCalls.sum();
    }

    /** API calls whose answer has not been completely written yet. */
    public int inFlight() {
        return inFlight.get();
    }

    private void handle(final HttpExchange exchange) throws IOException {
        try (exchange) {
            final String path = exchange.getRequestURI().getPath();
            final String method = exchange.getRequestMethod();
            switch (method + " " + path) {
                case "GET /sim/knobs" -> writeJson(exchange, 200, JSON.valueToTree(knobs.get()));
                case "PUT /sim/knobs" -> updateKnobs(exchange);
                case "GET /sim/stats" -> writeJson(exchange, 200, JSON.valueToTree(
                    Map.of("name", name, "api_calls", apiCalls.sum(), "failed_calls", failedCalls.sum(),
                        "in_flight", inFlight.get())));
                case "POST /v1/chat/completions" -> api(exchange, ApiStyle.OPENAI);
                case "POST /v1/embeddings" -> api(exchange, ApiStyle.EMBEDDINGS);
                case "POST /v1/audio/speech", "POST /tts" -> api(exchange, ApiStyle.SPEECH);
                case "POST /api/chat" -> api(exchange, ApiStyle.OLLAMA);
                case "GET /v1/models", "GET /api/tags" -> listModels(exchange, path.startsWith("/v1"));
                case "GET /tts" -> postOnly(exchange);
                default -> writeError(exchange, 404, "not_found", "No route for " + method + " " + path);
            }
        } catch (IOException e) {
            log.debug("Client of {} went away: {}", name, e.toString());
        } catch (RuntimeException e) {
            log.error("Simulated provider {} failed on {}", name, exchange.getRequestURI(), e);
        }
    }

    private enum ApiStyle { OPENAI, OLLAMA, EMBEDDINGS, SPEECH }

    private void updateKnobs(final HttpExchange exchange) throws IOException {
        final ObjectNode merged = JSON.valueToTree(knobs.get());
        try {
            final JsonNode change = JSON.readTree(exchange.getRequestBody());
            if (!(change instanceof ObjectNode changes)) {
                writeError(exchange, 400, "invalid_request_error", "Send a JSON object of knobs to change");
                return;
            }
            for (final String field : changes.propertyNames()) {
                if (!merged.has(field)) {
                    writeError(exchange, 400, "invalid_request_error", "Unknown knob '" + field
                        + "'; known knobs are " + merged.propertyNames());
                    return;
                }
            }
            merged.setAll(changes);
            setKnobs(JSON.treeToValue(merged, Knobs.class));
            writeJson(exchange, 200, JSON.valueToTree(knobs.get()));
        } catch (JacksonException e) {
            writeError(exchange, 400, "invalid_request_error", "Invalid knobs: " + rootMessage(e));
        }
    }

    private static String rootMessage(final Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }

    private void api(final HttpExchange exchange, final ApiStyle style) throws IOException {
        inFlight.incrementAndGet();
        try {
            answer(exchange, style);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void answer(final HttpExchange exchange, final ApiStyle style) throws IOException {
        apiCalls.increment();
        final Knobs now = knobs.get();
        if (now.outage()) {
            failedCalls.increment();
            retryAfter(exchange, now);
            writeError(exchange, 503, "service_unavailable", name + " is in a simulated outage");
            return;
        }
        if (now.requiredApiKey() != null
            && !("Bearer " + now.requiredApiKey()).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            failedCalls.increment();
            writeError(exchange, 401, "invalid_request_error", "Incorrect API key provided");
            return;
        }
        final JsonNode request;
        try (InputStream body = exchange.getRequestBody()) {
            request = JSON.readTree(body);
        } catch (JacksonException e) {
            writeError(exchange, 400, "invalid_request_error", "Request body is not valid JSON");
            return;
        }
        final boolean needsInput = style == ApiStyle.EMBEDDINGS || style == ApiStyle.SPEECH;
        if (request == null || (needsInput ? request.path("input").isMissingNode() : !request.path("messages").isArray())) {
            writeError(exchange, 400, "invalid_request_error", needsInput ? "'input' is required"
                : "'messages' must be an array");
            return;
        }
        if (now.fault() == Knobs.Fault.BLACK_HOLE) {
            blackHole();
            return;
        }
        pause(latency.sampleMillis(now));
        if (ThreadLocalRandom.current().nextDouble() < now.errorRate()) {
            failedCalls.increment();
            retryAfter(exchange, now);
            writeError(exchange, now.errorStatus(), "server_error", name + " simulated an error");
            return;
        }
        if (style == ApiStyle.EMBEDDINGS) {
            final ObjectNode body = JSON.createObjectNode().put("object", "list")
                .put("model", request.path("model").asString("unknown"));
            final ArrayNode vector = body.putArray("data").addObject().put("object", "embedding").put("index", 0)
                .putArray("embedding");
            for (int i = 0; i < 8; i++) {
                vector.add(ThreadLocalRandom.current().nextDouble(-1, 1));
            }
            body.putObject("usage").put("prompt_tokens", 2).put("total_tokens", 2);
            writeJson(exchange, 200, body);
            return;
        }
        if (style == ApiStyle.SPEECH) {
            final byte[] audio = ("ID3simulated-speech:" + request.path("input").asString("")).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "audio/mpeg");
            exchange.sendResponseHeaders(200, audio.length);
            exchange.getResponseBody().write(audio);
            return;
        }
        final Answer answer = Answer.of(request, now.completionTokens());
        final boolean stream = request.path("stream").asBoolean(style == ApiStyle.OLLAMA);
        if (now.fault() != Knobs.Fault.NONE && style == ApiStyle.OPENAI) {
            failedCalls.increment();
            misbehave(exchange, now.fault(), answer, stream);
            return;
        }
        switch (style) {
            case OPENAI -> {
                if (stream) {
                    streamOpenAi(exchange, answer, now);
                } else {
                    writeJson(exchange, 200, openAiCompletion(answer));
                }
            }
            case OLLAMA -> {
                if (stream) {
                    streamOllama(exchange, answer, now);
                } else {
                    writeJson(exchange, 200, ollamaMessage(answer, String.join("", answer.tokens()), true));
                }
            }
            default -> throw new IllegalStateException("answered above: " + style);
        }
    }

    /** An OpenAI answer broken as the fault says. */
    private void misbehave(final HttpExchange exchange, final Knobs.Fault fault, final Answer answer,
                           final boolean stream) throws IOException {
        switch (fault) {
            case MALFORMED_JSON -> {
                final byte[] whole = JSON.writeValueAsBytes(openAiCompletion(answer));
                final byte[] broken = Arrays.copyOf(whole, whole.length / 2);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, broken.length);
                exchange.getResponseBody().write(broken);
            }
            case OVERSIZED -> {
                final ObjectNode body = openAiCompletion(answer);
                ((ObjectNode) body.withArray("choices").get(0).path("message"))
                    .put("content", "x".repeat(Knobs.Fault.OVERSIZED_BYTES));
                writeJson(exchange, 200, body);
            }
            case RESET_MID_ANSWER -> {
                // A length promised and broken off: the server closes the connection when the body ends short.
                final byte[] first = stream
                    ? ("data: " + JSON.writeValueAsString(openAiEnvelope(answer, "chat.completion.chunk")) + "\n\n")
                        .getBytes(StandardCharsets.UTF_8)
                    : JSON.writeValueAsBytes(openAiCompletion(answer));
                exchange.getResponseHeaders().set("Content-Type", stream ? "text/event-stream" : "application/json");
                exchange.sendResponseHeaders(200, first.length * 4L);
                exchange.getResponseBody().write(first, 0, stream ? first.length : first.length / 2);
                exchange.getResponseBody().flush();
            }
            default -> throw new IllegalStateException("not a fault of an answer: " + fault);
        }
    }

    /** Holds the request unanswered, the connection open, until the fault is lifted (10 minutes at most). */
    private void blackHole() {
        final long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (knobs.get().fault() == Knobs.Fault.BLACK_HOLE && System.nanoTime() < until) {
            pause(50);
        }
    }

    private static void retryAfter(final HttpExchange exchange, final Knobs now) {
        if (now.retryAfterSeconds() > 0) {
            exchange.getResponseHeaders().set("Retry-After", Integer.toString(now.retryAfterSeconds()));
        }
    }

    private ObjectNode openAiCompletion(final Answer answer) {
        final ObjectNode body = openAiEnvelope(answer, "chat.completion");
        final ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", String.join("", answer.tokens()));
        choice.put("finish_reason", "stop");
        body.set("usage", usage(answer));
        return body;
    }

    private void streamOpenAi(final HttpExchange exchange, final Answer answer, final Knobs now) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        final OutputStream out = exchange.getResponseBody();
        for (int i = 0; i < answer.tokens().size(); i++) {
            if (i > 0) {
                pause(now.tokenIntervalMs());
            }
            final ObjectNode chunk = openAiEnvelope(answer, "chat.completion.chunk");
            final ObjectNode choice = chunk.putArray("choices").addObject();
            choice.put("index", 0);
            final ObjectNode delta = choice.putObject("delta");
            if (i == 0) {
                delta.put("role", "assistant");
            }
            delta.put("content", answer.tokens().get(i));
            choice.putNull("finish_reason");
            writeEvent(out, chunk);
        }
        final ObjectNode last = openAiEnvelope(answer, "chat.completion.chunk");
        last.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop").putObject("delta");
        writeEvent(out, last);
        final ObjectNode usageChunk = openAiEnvelope(answer, "chat.completion.chunk");
        usageChunk.putArray("choices");
        usageChunk.set("usage", usage(answer));
        writeEvent(out, usageChunk);
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private ObjectNode openAiEnvelope(final Answer answer, final String object) {
        final ObjectNode body = JSON.createObjectNode();
        body.put("id", answer.id());
        body.put("object", object);
        body.put("created", answer.created().getEpochSecond());
        body.put("model", answer.model());
        body.put("system_fingerprint", "sim-" + name);
        return body;
    }

    private static ObjectNode usage(final Answer answer) {
        final ObjectNode usage = JSON.createObjectNode();
        usage.put("prompt_tokens", answer.promptTokens());
        usage.put("completion_tokens", answer.tokens().size());
        usage.put("total_tokens", answer.promptTokens() + answer.tokens().size());
        return usage;
    }

    private void streamOllama(final HttpExchange exchange, final Answer answer, final Knobs now) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/x-ndjson");
        exchange.sendResponseHeaders(200, 0);
        final OutputStream out = exchange.getResponseBody();
        for (int i = 0; i < answer.tokens().size(); i++) {
            if (i > 0) {
                pause(now.tokenIntervalMs());
            }
            writeLine(out, ollamaMessage(answer, answer.tokens().get(i), false));
        }
        writeLine(out, ollamaMessage(answer, "", true));
    }

    private static ObjectNode ollamaMessage(final Answer answer, final String content, final boolean done) {
        final ObjectNode body = JSON.createObjectNode();
        body.put("model", answer.model());
        body.put("created_at", answer.created().toString());
        body.putObject("message").put("role", "assistant").put("content", content);
        body.put("done", done);
        if (done) {
            body.put("done_reason", "stop");
            body.put("prompt_eval_count", answer.promptTokens());
            body.put("eval_count", answer.tokens().size());
        }
        return body;
    }

    /**
     * A GET of the TTS endpoint, as the prober's probe of a pass-through version: a 405 (the endpoint is there and
     * takes POST), or the outage's 503.
     */
    private void postOnly(final HttpExchange exchange) throws IOException {
        if (knobs.get().outage()) {
            writeError(exchange, 503, "service_unavailable", name + " is in a simulated outage");
            return;
        }
        exchange.getResponseHeaders().set("Allow", "POST");
        writeError(exchange, 405, "method_not_allowed", "POST a speech request here");
    }

    private void listModels(final HttpExchange exchange, final boolean openAi) throws IOException {
        apiCalls.increment();
        if (knobs.get().outage()) {
            failedCalls.increment();
            writeError(exchange, 503, "service_unavailable", name + " is in a simulated outage");
            return;
        }
        final ObjectNode body = JSON.createObjectNode();
        if (openAi) {
            body.put("object", "list");
            body.putArray("data").addObject().put("id", "sim-" + name).put("object", "model")
                .put("owned_by", "switchboard-simulator");
        } else {
            final ArrayNode models = body.putArray("models");
            models.addObject().put("name", "sim-" + name).put("model", "sim-" + name);
        }
        writeJson(exchange, 200, body);
    }

    private static void writeEvent(final OutputStream out, final JsonNode chunk) throws IOException {
        out.write(("data: " + JSON.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void writeLine(final OutputStream out, final JsonNode line) throws IOException {
        out.write((JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void writeJson(final HttpExchange exchange, final int status, final JsonNode body)
        throws IOException {
        final byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void writeError(final HttpExchange exchange, final int status, final String type,
                                   final String message) throws IOException {
        final ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("message", message).put("type", type).put("code", status);
        writeJson(exchange, status, body);
    }

    private static void pause(final long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis); // simulated work; runs on a virtual thread
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** The answer to one call: a model name echoed back and a list of tokens. */
    private record Answer(String id, Instant created, String model, int promptTokens, java.util.List<String> tokens) {

        static Answer of(final JsonNode request, final int completionTokens) {
            int prompt = 0;
            for (final JsonNode message : request.path("messages")) {
                final String content = message.path("content").asString("");
                prompt += content.isBlank() ? 1 : content.strip().split("\\s+").length;
            }
            final var tokens = new java.util.ArrayList<String>(completionTokens);
            for (int i = 0; i < completionTokens; i++) {
                tokens.add(i == 0 ? "Simulated" : " token" + i);
            }
            return new Answer("chatcmpl-" + UUID.randomUUID(), Instant.now(),
                request.path("model").asString("unknown"), prompt, java.util.List.copyOf(tokens));
        }
    }
}
