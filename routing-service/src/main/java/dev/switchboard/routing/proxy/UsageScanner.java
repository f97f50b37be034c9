package dev.switchboard.routing.proxy;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.ObjectMapper;

/**
 * Watches the bytes of an answer as they pass through, without holding them up, and keeps the token
 * {@code usage} it reports: from the body of a plain answer, or from the usage chunk of an SSE stream.
 */
final class UsageScanner {

    /** Lines longer than this are not usage chunks; skipping them bounds the memory a stream can take. */
    private static final int MAX_LINE = 64 * 1024;

    private final ObjectMapper json;
    /** The stream's line being read; made at the first chunk, so that a plain answer, the most common, costs none. */
    private ByteArrayOutputStream line;
    private boolean overlong;
    private Integer promptTokens;
    private Integer completionTokens;

    UsageScanner(final ObjectMapper json) {
        this.json = json;
    }

    /** Feeds a chunk of a stream as it passes through, leaving the buffer as it was. */
    void acceptStream(final ByteBuf chunk) {
        if (line == null) {
            line = new ByteArrayOutputStream(256);
        }
        for (int i = chunk.readerIndex(); i < chunk.writerIndex(); i++) {
            accept(chunk.getByte(i));
        }
    }

    private void accept(final byte b) {
        if (b == '\n') {
            endLine();
        } else if (!overlong) {
            line.write(b);
            overlong = line.size() > MAX_LINE;
        }
    }

    /**
     * Reads the usage of a whole JSON answer.
     *
     * @return whether the body is one whole JSON document: an upstream's 200 that breaks off is no answer
     */
    boolean acceptBody(final byte[] body) {
        return readUsage(body);
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

    /**
     * Reads the top-level {@code usage} of a document, skipping over the rest without building it.
     *
     * @return whether the document is one whole JSON value, with nothing after it
     */
    private boolean readUsage(final byte[] document) {
        try (JsonParser parser = JsonTokens.over(json, document)) {
            if (parser.nextToken() == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                    final boolean isUsage = "usage".equals(parser.currentName());
                    parser.nextToken();
                    if (isUsage) {
                        readCounts(parser);
                    } else {
                        parser.skipChildren();
                    }
                }
            } else {
                parser.skipChildren();
            }
            return parser.currentToken() != null && parser.nextToken() == null;
        } catch (JacksonException e) {
            // Not JSON (an upstream error page, say), or JSON broken off: the answer reports no usage.
            return false;
        }
    }

    /** Reads the token counts of the {@code usage} object the parser is at, field by field. */
    private void readCounts(final JsonParser parser) {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            return;
        }
        Integer prompt = null;
        Integer completion = null;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            final String name = parser.currentName();
            final JsonToken value = parser.nextToken();
            if (value == JsonToken.VALUE_NUMBER_INT && "prompt_tokens".equals(name)) {
                prompt = parser.getIntValue();
            } else if (value == JsonToken.VALUE_NUMBER_INT && "completion_tokens".equals(name)) {
                completion = parser.getIntValue();
            } else {
                parser.skipChildren();
            }
        }
        promptTokens = prompt;
        completionTokens = completion;
    }
}
