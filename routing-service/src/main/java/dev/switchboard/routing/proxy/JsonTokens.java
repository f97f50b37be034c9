package dev.switchboard.routing.proxy;

import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.databind.ObjectMapper;

/**
 * Token streams over the JSON the request path reads field by field (a request's body, an answer's usage), made by
 * the mapper's own factory, with its limits and features. Not {@link ObjectMapper#createParser(byte[])}, which also
 * sets up a context for binding values to objects on every call: the request path binds none, and that context
 * was an eighth of what making a parser allocated, twice a request.
 */
final class JsonTokens {

    private JsonTokens() {
    }

    static JsonParser over(final ObjectMapper json, final byte[] document) {
        return json.tokenStreamFactory().createParser(ObjectReadContext.empty(), document);
    }
}
