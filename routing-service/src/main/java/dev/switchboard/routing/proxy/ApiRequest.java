package dev.switchboard.routing.proxy;

import dev.switchboard.routing.table.VersionConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.databind.ObjectMapper;

/**
 * A client's API request, checked: a JSON object with a string {@code model} and the operation's required
 * field ({@code messages} of a chat completion, {@code input} of an embedding or speech). Everything else in it
 * is passed on untouched.
 *
 * <p>The body is read once, as a stream of tokens, and never built into a tree: the router needs four of its
 * fields, and a chat's messages are most of its bytes. What the router learns on the way is where the model's
 * value and the closing brace lie, so the body a version gets is the client's bytes with its model name spliced
 * in (and its parameters the client did not set appended), not a copy written out again.
 */
final class ApiRequest {

    /** Top-level fields a body may have before it is read as a tree (which keeps the last of a repeated one). */
    private static final int MAX_NAMES_SCANNED = 256;

    private final Operation operation;
    private final byte[] body;
    /** What the pass over {@link #body} found; not changed after it. */
    private final Fields found;

    private ApiRequest(final Operation operation, final byte[] body, final Fields found) {
        this.operation = operation;
        this.body = body;
        this.found = found;
    }

    /** What one pass over a body found in it. */
    private static final class Fields {
        final List<String> names = new ArrayList<>(8);
        String model;
        String user;
        boolean stream;
        boolean hasRequired;
        /** Of a speech request's {@code input}, in Unicode code points: what text-to-speech is priced by. */
        Integer inputCharacters;
        /** A field named twice, very many fields, or a body not in UTF-8: read as a tree, not spliced. */
        boolean needsTree;
        int modelStart;
        int modelEnd;
        int closingBrace;
    }

    static ApiRequest parse(final Operation operation, final byte[] bytes, final ObjectMapper json) {
        if (bytes == null || bytes.length == 0) {
            throw FrontDoorException.invalidRequest("The request body is empty; send a JSON request");
        }
        try {
            Fields fields = scan(operation, bytes, json, true);
            byte[] body = bytes;
            if (fields.needsTree) {
                // Read as a tree, which keeps the last of a repeated field as a JSON parser upstream would, then
                // written out once, in UTF-8, without the repeats.
                body = json.writeValueAsBytes(json.readTree(bytes));
                fields = scan(operation, body, json, false);
            }
            check(operation, fields);
            return new ApiRequest(operation, body, fields);
        } catch (JacksonException e) {
            throw FrontDoorException.invalidRequest("The request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** Reads the top-level fields the router needs, skipping over every other value without building it. */
    private static Fields scan(final Operation operation, final byte[] bytes, final ObjectMapper json,
                               final boolean firstPass) {
        final Fields fields = new Fields();
        try (JsonParser parser = JsonTokens.over(json, bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw FrontDoorException.invalidRequest("The request body must be a JSON object");
            }
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                final String name = parser.currentName();
                if (firstPass && (fields.names.size() >= MAX_NAMES_SCANNED || fields.names.contains(name))) {
                    fields.needsTree = true;
                    parser.skipChildren();
                    return fields;
                }
                fields.names.add(name);
                final JsonToken value = parser.nextToken();
                if (name.equals("model")) {
                    readModel(parser, value, fields);
                } else if (name.equals(operation.requiredField())) {
                    if (operation == Operation.AUDIO_SPEECH && value == JsonToken.VALUE_STRING) {
                        fields.inputCharacters = Character.codePointCount(parser.getStringCharacters(),
                            parser.getStringOffset(), parser.getStringLength());
                    }
                    fields.hasRequired = isPresent(operation, parser, value);
                } else if (name.equals("stream")) {
                    if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE && value != JsonToken.VALUE_NULL) {
                        throw FrontDoorException.invalidRequest("'stream' must be true or false");
                    }
                    fields.stream = value == JsonToken.VALUE_TRUE;
                } else if (name.equals("user") && value == JsonToken.VALUE_STRING) {
                    final String user = parser.getString();
                    fields.user = user.isBlank() ? null : user;
                } else {
                    parser.skipChildren();
                }
            }
            fields.closingBrace = Math.toIntExact(parser.currentTokenLocation().getByteOffset());
            if (parser.nextToken() != null) {
                throw FrontDoorException.invalidRequest("The request body is not valid JSON: more follows its object");
            }
            // A body in UTF-16 or 32 is read by characters, which have no byte offsets to splice at.
            fields.needsTree = firstPass && (fields.closingBrace < 0 || fields.model != null && fields.modelStart < 0);
        }
        return fields;
    }

    private static void readModel(final JsonParser parser, final JsonToken value, final Fields fields) {
        if (value != JsonToken.VALUE_STRING) {
            parser.skipChildren();
            fields.model = null;
            return;
        }
        fields.modelStart = Math.toIntExact(parser.currentTokenLocation().getByteOffset());
        fields.model = parser.getString(); // reads the whole string: the parser stands past its closing quote
        fields.modelEnd = Math.toIntExact(parser.currentLocation().getByteOffset());
    }

    /**
     * Whether the operation's required field has something in it: not null, not an empty string, array or object,
     * and for a chat an array.
     */
    private static boolean isPresent(final Operation operation, final JsonParser parser, final JsonToken value) {
        if (value == JsonToken.START_ARRAY || value == JsonToken.START_OBJECT) {
            final JsonToken first = parser.nextToken();
            final boolean empty = first == JsonToken.END_ARRAY || first == JsonToken.END_OBJECT;
            if (!empty) {
                parser.skipChildren(); // the first element's own children, if it has any
                skipRest(parser);
            }
            return !empty && (operation != Operation.CHAT_COMPLETIONS || value == JsonToken.START_ARRAY);
        }
        if (value == JsonToken.VALUE_STRING) {
            return parser.getStringLength() > 0 && operation != Operation.CHAT_COMPLETIONS; // no String of an input
        }
        return value != JsonToken.VALUE_NULL && operation != Operation.CHAT_COMPLETIONS;
    }

    /** Skips to the end of the array or object the parser is inside. */
    private static void skipRest(final JsonParser parser) {
        JsonToken token = parser.nextToken();
        while (token != JsonToken.END_ARRAY && token != JsonToken.END_OBJECT) {
            parser.skipChildren();
            token = parser.nextToken();
        }
    }

    private static void check(final Operation operation, final Fields fields) {
        if (fields.model == null || fields.model.isBlank()) {
            throw FrontDoorException.invalidRequest("'model' is required: name a provider, e.g. \"OllamaLLM\" or \"LLM/OllamaLLM\"");
        }
        if (!fields.hasRequired) {
            throw FrontDoorException.invalidRequest("'" + operation.requiredField() + "' is required"
                + (operation == Operation.CHAT_COMPLETIONS ? " and must be a non-empty array" : " and must not be empty"));
        }
    }

    Operation operation() {
        return operation;
    }

    /** The provider (or {@code category/provider}) the client named. */
    String model() {
        return found.model;
    }

    /** Whether the client asked for a stream, and the operation can stream. */
    boolean stream() {
        return operation.streams() && found.stream;
    }

    /** A speech request's input length in characters, which text-to-speech is priced by; null otherwise. */
    @Nullable Integer inputCharacters() {
        return found.inputCharacters;
    }

    /** The body's {@code user}, one of the two sticky subjects. */
    Optional<String> user() {
        return Optional.ofNullable(found.user);
    }

    /**
     * The body to send to {@code version}: its model name, and its parameters where the client set none; the
     * client's bytes as they are when neither changes anything.
     */
    byte[] forVersion(final VersionConfig version, final ObjectMapper json) {
        final List<byte[]> added = addedParameters(version.parameters(), json);
        if (added.isEmpty() && version.modelName().equals(found.model)) {
            return body;
        }
        final byte[] modelName = JsonStringEncoder.getInstance().quoteAsUTF8(version.modelName());
        int length = body.length - (found.modelEnd - found.modelStart) + modelName.length + 2;
        for (final byte[] parameter : added) {
            length += parameter.length;
        }
        final byte[] upstream = new byte[length];
        int at = put(body, 0, found.modelStart, upstream, 0);
        upstream[at++] = '"';
        at = put(modelName, 0, modelName.length, upstream, at);
        upstream[at++] = '"';
        at = put(body, found.modelEnd, found.closingBrace, upstream, at);
        for (final byte[] parameter : added) {
            at = put(parameter, 0, parameter.length, upstream, at);
        }
        put(body, found.closingBrace, body.length, upstream, at);
        return upstream;
    }

    /** Copies {@code from[start, end)} to {@code to} at {@code at}; returns where the copy ends in {@code to}. */
    private static int put(final byte[] from, final int start, final int end, final byte[] to, final int at) {
        System.arraycopy(from, start, to, at, end - start);
        return at + end - start;
    }

    /** Each of the version's parameters the client did not set, as {@code ,"name":value}. */
    private List<byte[]> addedParameters(final Map<String, Object> parameters, final ObjectMapper json) {
        if (parameters.isEmpty()) {
            return List.of();
        }
        final List<byte[]> added = new ArrayList<>(parameters.size());
        for (final Map.Entry<String, Object> parameter : parameters.entrySet()) {
            if (!found.names.contains(parameter.getKey())) {
                added.add(("," + json.writeValueAsString(parameter.getKey()) + ":"
                    + json.writeValueAsString(parameter.getValue())).getBytes(StandardCharsets.UTF_8));
            }
        }
        return added;
    }
}
