package dev.switchboard.routing.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.switchboard.routing.table.Prices;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A version's {@code prices} in a partial update: left out (keep them), {@code null} (the version is no longer
 * priced) or an object of US dollar prices, each 0 when left out: {@code {"input_per_million_tokens": 2.5,
 * "output_per_million_tokens": 10, "per_request": 0}}.
 */
@JsonDeserialize(using = PricesPatch.Reader.class)
@Schema(implementation = PricesPatch.Body.class, nullable = true, description = "US dollars a call costs; left out: "
    + "kept; null: removed")
record PricesPatch(boolean given, @Nullable Prices value) {

    static final PricesPatch ABSENT = new PricesPatch(false, null);
    static final PricesPatch REMOVED = new PricesPatch(true, null);

    /** The prices as written: unknown fields are refused, so a misspelt price is not silently 0. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = false)
    @Schema(name = "VersionPrices", description = "US dollars; a price left out is 0")
    record Body(@Nullable Double inputPerMillionTokens, @Nullable Double outputPerMillionTokens,
                @Nullable Double perRequest, @Nullable Double perMillionCharacters) {
    }

    /** @return the new prices if given, {@code current} if left out, none if removed */
    Optional<Prices> applyTo(final Optional<Prices> current) {
        return given ? Optional.ofNullable(value) : current;
    }

    static final class Reader extends PatchReader<PricesPatch> {

        Reader() {
            super(PricesPatch.class, ABSENT, REMOVED);
        }

        @Override
        public PricesPatch deserialize(final JsonParser parser, final DeserializationContext context) {
            if (!parser.hasToken(JsonToken.START_OBJECT)) {
                throw AdminException.badRequest("'prices' must be an object such as {\"input_per_million_tokens\": "
                    + "2.5, \"output_per_million_tokens\": 10, \"per_request\": 0} or, for speech, {\"per_million_characters\": "
                    + "15} (US dollars), or null");
            }
            final Body body = context.readValue(parser, Body.class);
            try {
                return new PricesPatch(true, new Prices(orZero(body.inputPerMillionTokens()),
                    orZero(body.outputPerMillionTokens()), orZero(body.perRequest()),
                    orZero(body.perMillionCharacters())));
            } catch (IllegalArgumentException e) {
                throw AdminException.badRequest(Objects.requireNonNullElse(e.getMessage(), "invalid prices"));
            }
        }

        private static double orZero(final @Nullable Double price) {
            return price == null ? 0 : price;
        }
    }
}
