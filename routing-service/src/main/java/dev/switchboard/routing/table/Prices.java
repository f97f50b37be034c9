package dev.switchboard.routing.table;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;

/**
 * What one call of a version costs, in US dollars: a price per request, prices per million input (prompt) and
 * output (completion) tokens, and per million characters of input (text-to-speech), as providers publish them. Configuration like a weight: set through the admin API or
 * the start-up configuration, audited, and applied by every router to the outcomes of its attempts.
 */
public record Prices(double inputPerMillionTokens, double outputPerMillionTokens, double perRequest,
                     double perMillionCharacters) {

    private static final double MILLION = 1_000_000.0;

    public Prices {
        check(inputPerMillionTokens, "input_per_million_tokens");
        check(outputPerMillionTokens, "output_per_million_tokens");
        check(perRequest, "per_request");
        check(perMillionCharacters, "per_million_characters");
    }

    private static void check(final double price, final String field) {
        if (!Double.isFinite(price) || price < 0) {
            throw new IllegalArgumentException("price " + field + " must be a finite number of dollars, 0 or more, "
                + "got " + price);
        }
    }

    /** The prices under the field names the admin API, the audit trail and the console show them with. */
    public Map<String, Object> fields() {
        final Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("input_per_million_tokens", inputPerMillionTokens);
        fields.put("output_per_million_tokens", outputPerMillionTokens);
        fields.put("per_request", perRequest);
        fields.put("per_million_characters", perMillionCharacters);
        return fields;
    }

    /**
     * The cost of one attempt that counted these tokens and was asked to speak these characters; empty when a count
     * the prices need is missing (the answer carried no usage, the request was not speech), rather than a cost that
     * leaves part of it out.
     */
    public OptionalDouble cost(final @Nullable Integer promptTokens, final @Nullable Integer completionTokens,
                               final @Nullable Integer inputCharacters) {
        if (promptTokens == null && inputPerMillionTokens > 0
            || completionTokens == null && outputPerMillionTokens > 0
            || inputCharacters == null && perMillionCharacters > 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(perRequest
            + (promptTokens == null ? 0 : promptTokens * inputPerMillionTokens / MILLION)
            + (completionTokens == null ? 0 : completionTokens * outputPerMillionTokens / MILLION)
            + (inputCharacters == null ? 0 : inputCharacters * perMillionCharacters / MILLION));
    }
}
