package dev.switchboard.routing.proxy;

/** The OpenAI API operations the front door routes, each at {@code /v1/{path}} of the router and upstream. */
enum Operation {
    CHAT_COMPLETIONS("chat/completions", "messages", true),
    EMBEDDINGS("embeddings", "input", false),
    AUDIO_SPEECH("audio/speech", "input", false);

    private final String path;
    private final String requiredField;
    private final boolean streams;

    Operation(final String path, final String requiredField, final boolean streams) {
        this.path = path;
        this.requiredField = requiredField;
        this.streams = streams;
    }

    /** The operation a router path such as {@code /v1/embeddings} serves. */
    static Operation ofPath(final String servletPath) {
        for (final Operation operation : values()) {
            if (servletPath.equals("/v1/" + operation.path)) {
                return operation;
            }
        }
        throw new IllegalArgumentException("no operation is served at " + servletPath);
    }

    String path() {
        return path;
    }

    /** The field without which the request means nothing: {@code messages} or {@code input}. */
    String requiredField() {
        return requiredField;
    }

    boolean streams() {
        return streams;
    }
}
