package dev.switchboard.routing.table;

import java.util.Locale;

/**
 * How the router talks to a version's upstream, derived from the version's {@code type}: {@code openai} and
 * {@code ollama} speak the OpenAI API (Ollama through its OpenAI-compatible endpoints); every other type (a TTS
 * engine such as {@code edge} or {@code doubao}, any in-house service) is a plain HTTP pass-through.
 */
public enum ProviderType {
    /** OpenAI's API at {@code {url}/v1/...}. */
    OPENAI,
    /** Ollama; the router uses its OpenAI-compatible endpoints, the prober its native {@code /api/tags}. */
    OLLAMA,
    /** The request body posted to the version's url as it is, the answer relayed as it comes. */
    HTTP;

    public static ProviderType of(final String type) {
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "openai" -> OPENAI;
            case "ollama" -> OLLAMA;
            default -> HTTP;
        };
    }
}
