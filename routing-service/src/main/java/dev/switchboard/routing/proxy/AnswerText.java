package dev.switchboard.routing.proxy;

import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The text of an OpenAI-style answer, for comparing a shadow candidate's with the baseline's: the choices'
 * {@code message.content} (chat) or {@code text} (completions), or an event stream's {@code delta.content}s put
 * together. Null when the answer has no text (embeddings, speech, an error).
 */
final class AnswerText {

    private AnswerText() {
    }

    static String of(final byte[] body, final ObjectMapper json) {
        if (body == null || body.length == 0) {
            return null;
        }
        final String raw = new String(body, StandardCharsets.UTF_8);
        final StringBuilder text = new StringBuilder();
        if (raw.startsWith("data:") || raw.contains("\ndata:")) {
            for (final String line : raw.split("\n")) {
                final String data = line.startsWith("data:") ? line.substring(5).trim() : "";
                if (!data.isEmpty() && !data.equals("[DONE]")) {
                    append(parse(data, json), text, "delta");
                }
            }
        } else {
            append(parse(raw, json), text, "message");
        }
        return text.isEmpty() ? null : text.toString();
    }

    private static void append(final JsonNode answer, final StringBuilder text, final String part) {
        if (answer == null) {
            return;
        }
        for (final JsonNode choice : answer.path("choices")) {
            final JsonNode content = choice.path(part).path("content");
            if (content.isString()) {
                text.append(content.asString());
            } else if (choice.path("text").isString()) {
                text.append(choice.path("text").asString());
            }
        }
    }

    private static JsonNode parse(final String json, final ObjectMapper mapper) {
        try {
            return mapper.readTree(json);
        } catch (JacksonException e) {
            return null; // not JSON: no text to compare
        }
    }
}
