package dev.switchboard.routing.proxy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Watches the bytes of an answer as they pass through, without holding them up, and keeps the token
 * {@code usage} it reports: from the body of a plain answer, or from the usage chunk of an SSE stream.
 */
final class UsageScanner {

    /** Lines longer than this are not usage chunks; skipping them bounds the memory a stream can take. */
    private static final int MAX_LINE = 64 * 1024;

    private final ObjectMapper json;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private boolean overlong;
    private Integer promptTokens;
    private Integer completionTokens;

    UsageScanner(final ObjectMapper json) {
        this.json = json;
    }

    /** Feeds streamed SSE bytes. */
    void acceptStream(final byte[] bytes, final int offset, final int length) {
        for (int i = offset; i < offset + length; i++) {
            final byte b = bytes[i];
            if (b == '\n') {
                endLine();
            } else if (!overlong) {
                line.write(b);
                overlong = line.size() > MAX_LINE;
            }
        }
    }

    /** Reads the usage of a whole JSON answer. */
    void acceptBody(final byte[] body) {
        readUsage(body);
    }

    Integer promptTokens() {
        return promptTokens;
    }

    Integer completionTokens() {
        return completionTokens;
    }

    private void endLine() {
        if (!overlong && line.size() > 5) {
            final String text = line.toString(StandardCharsets.UTF_8);
            if (text.startsWith("data:") && text.contains("\"usage\"")) {
                readUsage(text.substring(5).strip().getBytes(StandardCharsets.UTF_8));
            }
        }
        line.reset();
        overlong = false;
    }

    private void readUsage(final byte[] document) {
        try {
            final JsonNode usage = json.readTree(document).path("usage");
            if (usage.isObject()) {
                promptTokens = usage.path("prompt_tokens").isNumber() ? usage.path("prompt_tokens").asInt() : null;
                completionTokens = usage.path("completion_tokens").isNumber()
                    ? usage.path("completion_tokens").asInt() : null;
            }
        } catch (JacksonException e) {
            // Not JSON (an upstream error page, say): the answer simply reports no usage.
        }
    }
}
