package dev.switchboard.routing.admin;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import dev.switchboard.routing.table.Prices;
import dev.switchboard.routing.table.Secrets;
import io.swagger.v3.oas.annotations.media.Schema;
import java.net.URI;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Seed 000's body for a provider version, to create one ({@code POST}) or change some of its fields ({@code PUT}):
 * the common fields, and any others as the version's per-type parameters (temperature, voice, ...) or, for
 * {@code api_key}, {@code token} and {@code appid}, its write-only secrets. A field left out keeps its value;
 * {@code null} removes a parameter, a secret, the model name or the url.
 *
 * @param prices what a call costs, in US dollars ({@link PricesPatch}); left out: kept, null: removed
 * @param id    seed 000's answers carry one; a body copied from an answer may send it back, and it is ignored
 * @param extra every other field: parameters and secrets, checked to be strings, numbers or booleans
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@Schema(additionalProperties = Schema.AdditionalPropertiesValue.TRUE, description = "Fields beyond these are the "
    + "version's parameters (strings, numbers, booleans), or its write-only secrets (api_key, token, appid); null "
    + "removes one")
record VersionCommand(@Nullable String category, @Nullable String name, @Nullable String version,
                      @Nullable String type, TextPatch modelName, TextPatch url, @Nullable Integer weight,
                      @Nullable Boolean isActive, @Nullable Boolean isDefault, PricesPatch prices,
                      @Schema(hidden = true) @Nullable Object id,
                      @Schema(hidden = true) @JsonAnySetter Map<String, @Nullable Object> extra) {

    VersionCommand {
        category = Checks.optionalText(category, "category");
        name = Checks.optionalText(name, "name");
        version = Checks.optionalText(version, "version");
        type = type == null ? null : type(type);
        modelName = modelName == null ? TextPatch.ABSENT : modelName;
        modelName.applyTo(Optional.empty(), text -> Checks.text(text, "model_name"));
        url = url == null ? TextPatch.ABSENT : url;
        url.applyTo(Optional.empty(), VersionCommand::absoluteUrl);
        prices = prices == null ? PricesPatch.ABSENT : prices;
        if (weight != null) {
            Checks.wholeNumber(weight, "weight", 0, 100);
        }
        extra = extra == null ? Map.of() : checked(extra);
    }

    /** The version's parameters: {@code current} with this command's given, changed or removed. */
    Map<String, Object> parameters(final Map<String, Object> current) {
        final Map<String, Object> parameters = new HashMap<>(current);
        extra.forEach((field, value) -> {
            if (Secrets.isSecretField(field)) {
                return;
            }
            if (value == null) {
                parameters.remove(field);
            } else {
                parameters.put(field, value);
            }
        });
        return parameters;
    }

    /** The version's secrets: {@code current} with this command's given, changed or removed. */
    Secrets secrets(final Secrets current) {
        final Map<String, String> secrets = new HashMap<>();
        current.names().forEach(secret -> secrets.put(secret, current.get(secret).orElseThrow()));
        extra.forEach((field, value) -> {
            if (!Secrets.isSecretField(field)) {
                return;
            }
            if (value == null) {
                secrets.remove(field);
            } else {
                secrets.put(field, (String) value);
            }
        });
        return Secrets.of(secrets);
    }

    /**
     * The version's url: {@code current} if left out; none if {@code null}, for a version called at its type's
     * endpoint, as seed 000's TTS versions are.
     */
    Optional<URI> url(final Optional<URI> current) {
        return url.applyTo(current, VersionCommand::absoluteUrl);
    }

    /** The version's prices: {@code current} if left out, none if {@code null}. */
    Optional<Prices> prices(final Optional<Prices> current) {
        return prices.applyTo(current);
    }

    Optional<String> modelName(final Optional<String> current) {
        return modelName.applyTo(current, text -> Checks.text(text, "model_name"));
    }

    /** Any short type name: openai and ollama speak the OpenAI API, the others are HTTP pass-through. */
    private static String type(final String type) {
        final String checked = Checks.text(type, "type");
        if (!checked.matches("[A-Za-z0-9_-]{1,40}")) {
            throw AdminException.badRequest("'type' must be a short name such as openai, ollama, edge or http, got '"
                + type + "'");
        }
        return checked.toLowerCase(Locale.ROOT);
    }

    private static URI absoluteUrl(final String url) {
        return Checks.httpUrl(url).orElseThrow(() ->
            AdminException.badRequest("'url' must be an absolute http(s) URL, got '" + url + "'"));
    }

    /** Parameters are scalars (whole numbers kept as longs), secrets non-blank strings; null removes either. */
    private static Map<String, @Nullable Object> checked(final Map<String, @Nullable Object> extra) {
        final Map<String, @Nullable Object> checked = new LinkedHashMap<>();
        extra.forEach((field, value) -> {
            if (Secrets.isSecretField(field) && value != null
                    && !(value instanceof String secret && !secret.isBlank())) {
                throw AdminException.badRequest("Secret field '" + field + "' must be a non-blank string");
            }
            checked.put(field, switch (value) {
                case null -> null;
                case Integer whole -> whole.longValue();
                case Long whole -> whole;
                case Number number -> number.doubleValue();
                case String text -> text;
                case Boolean flag -> flag;
                default -> throw AdminException.badRequest("'" + field + "' must be a string, number or boolean");
            });
        });
        return checked;
    }
}
