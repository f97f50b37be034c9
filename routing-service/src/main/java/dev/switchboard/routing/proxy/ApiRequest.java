package dev.switchboard.routing.proxy;

import dev.switchboard.routing.table.VersionConfig;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A client's API request, checked: a JSON object with a string {@code model} and the operation's required
 * field ({@code messages} of a chat completion, {@code input} of an embedding or speech). Everything else in it
 * is passed on untouched.
 */
record ApiRequest(Operation operation, ObjectNode body, String model, boolean stream) {

    static ApiRequest parse(final Operation operation, final byte[] bytes, final ObjectMapper json) {
        if (bytes == null || bytes.length == 0) {
            throw FrontDoorException.invalidRequest("The request body is empty; send a JSON request");
        }
        final JsonNode tree;
        try {
            tree = json.readTree(bytes);
        } catch (JacksonException e) {
            throw FrontDoorException.invalidRequest("The request body is not valid JSON: " + e.getOriginalMessage());
        }
        if (!(tree instanceof ObjectNode body)) {
            throw FrontDoorException.invalidRequest("The request body must be a JSON object");
        }
        final JsonNode model = body.get("model");
        if (model == null || !model.isString() || model.asString().isBlank()) {
            throw FrontDoorException.invalidRequest("'model' is required: name a provider, e.g. \"OllamaLLM\" or \"LLM/OllamaLLM\"");
        }
        final JsonNode required = body.get(operation.requiredField());
        if (required == null || required.isNull() || required.isEmpty() && !required.isValueNode()
            || required.isString() && required.asString().isEmpty()) {
            throw FrontDoorException.invalidRequest("'" + operation.requiredField() + "' is required"
                + (operation == Operation.CHAT_COMPLETIONS ? " and must be a non-empty array" : " and must not be empty"));
        }
        if (operation == Operation.CHAT_COMPLETIONS && !required.isArray()) {
            throw FrontDoorException.invalidRequest("'messages' is required and must be a non-empty array");
        }
        final JsonNode stream = body.get("stream");
        if (stream != null && !stream.isBoolean() && !stream.isNull()) {
            throw FrontDoorException.invalidRequest("'stream' must be true or false");
        }
        return new ApiRequest(operation, body, model.asString(),
            operation.streams() && stream != null && stream.asBoolean());
    }

    /** The body's {@code user}, one of the two sticky subjects. */
    Optional<String> user() {
        final JsonNode user = body.get("user");
        return user != null && user.isString() && !user.asString().isBlank()
            ? Optional.of(user.asString()) : Optional.empty();
    }

    /** The body to send to {@code version}: its model name, and its parameters where the client set none. */
    byte[] forVersion(final VersionConfig version, final ObjectMapper json) {
        // A shallow copy: only top-level fields are set, and the client's nested values are never changed.
        final ObjectNode upstream = json.createObjectNode();
        upstream.setAll(body);
        upstream.put("model", version.modelName());
        for (final Map.Entry<String, Object> parameter : version.parameters().entrySet()) {
            if (!upstream.has(parameter.getKey())) {
                upstream.set(parameter.getKey(), json.valueToTree(parameter.getValue()));
            }
        }
        return json.writeValueAsBytes(upstream);
    }
}
