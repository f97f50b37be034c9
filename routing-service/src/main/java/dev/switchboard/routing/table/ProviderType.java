package dev.switchboard.routing.table;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the router talks to a version's upstream. */
public enum ProviderType {
    /** OpenAI's chat completions API at {@code {url}/v1/chat/completions}. */
    OPENAI,
    /** Ollama; the router uses its OpenAI-compatible endpoint, the prober its native {@code /api/tags}. */
    OLLAMA,
    /** A plain HTTP pass-through, for categories such as TTS. */
    HTTP;

    public static ProviderType parse(final String value) {
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown provider type '" + value + "'; known types are "
                + Arrays.stream(values()).map(t -> t.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
        }
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
