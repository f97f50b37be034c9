package dev.switchboard.routing.admin;

import java.util.Optional;
import java.util.function.Function;
import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * A text field of a partial update, which can be left out (keep what is there), {@code null} (remove it) or a
 * string (set it). {@code Optional} cannot tell the first two apart: Jackson reads both as empty.
 */
@JsonDeserialize(using = TextPatch.Reader.class)
@Schema(type = "string", description = "left out: kept; null: removed; a string: set")
record TextPatch(boolean given, @Nullable String value) {

    static final TextPatch ABSENT = new TextPatch(false, null);
    static final TextPatch REMOVED = new TextPatch(true, null);

    /** @return the new value if one was given, {@code current} if the field was left out, empty if removed */
    <T> Optional<T> applyTo(final Optional<T> current, final Function<String, T> parse) {
        if (!given) {
            return current;
        }
        return Optional.ofNullable(value).map(parse);
    }

    static final class Reader extends PatchReader<TextPatch> {

        Reader() {
            super(TextPatch.class, ABSENT, REMOVED);
        }

        @Override
        public TextPatch deserialize(final JsonParser parser, final DeserializationContext context) {
            if (!parser.hasToken(JsonToken.VALUE_STRING)) { // refused as a string would be: "must be a string"
                return new TextPatch(true, (String) context.handleUnexpectedToken(String.class, parser));
            }
            return new TextPatch(true, parser.getString());
        }
    }
}
