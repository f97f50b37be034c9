package dev.switchboard.routing.proxy;

/** The OpenAI API operations the front door routes, each at {@code /v1/{path}} of the router and upstream. */
enum Operation {
    CHAT_COMPLETIONS("chat/completions", "messages", true),
    EMBEDDINGS("embeddings", "input", false),
    AUDIO_SPEECH("audio/speech", "input", false);

    private final String path;
    private final String routerPath;
    private final String requiredField;
    private final boolean streams;

    Operation(final String path, final String requiredField, final boolean streams) {
        this.path = path;
        this.routerPath = "/v1/" + path;
        this.requiredField = requiredField;
        this.streams = streams;
    }

    /** Where the router serves it, such as {@code /v1/embeddings}. */
    String routerPath() {
        return routerPath;
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
