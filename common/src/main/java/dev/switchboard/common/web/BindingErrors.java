package dev.switchboard.common.web;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.MapperBuilder;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.type.LogicalType;

/**
 * Request bodies bound to records, read strictly and refused in the APIs' own words. Jackson's messages name Java
 * types, which mean nothing to a caller; these name the field by its JSON path and say what it must be
 * ({@code 'weight' must be a whole number}), or name the unknown field and the known ones.
 */
public final class BindingErrors {

    private BindingErrors() {
    }

    /**
     * Refuses an unknown field (a typo such as {@code wieght} must not be ignored) and converts no value of the wrong
     * kind ({@code "5"} is not a number, {@code 1.5} is not a whole number, {@code 5} is not a name). For services
     * that bind only their APIs' request bodies to classes with the mapper.
     */
    public static void strict(final MapperBuilder<?, ?> builder) {
        builder.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfig(LogicalType.Textual, text -> text
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
    }

    /**
     * The service's own refusal among {@code failure}'s causes: a command's check that threw while Jackson made the
     * command, wrapped by Jackson and then by the web framework.
     */
    public static <E extends Throwable> Optional<E> refusal(final Throwable failure, final Class<E> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return Optional.of(type.cast(cause));
            }
        }
        return Optional.empty();
    }

    /** What is wrong with a body that did not bind, found in {@code failure}'s causes. */
    public static String describe(final Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            switch (cause) {
                case UnrecognizedPropertyException unknown -> {
                    return "Unknown field '" + path(unknown) + "'; the fields are " + known(unknown.getKnownPropertyIds());
                }
                case MismatchedInputException mismatch when mismatch.getPath().isEmpty() -> {
                    return "The request body must be a JSON object";
                }
                case MismatchedInputException mismatch -> {
                    return "'" + path(mismatch) + "' must be " + kind(mismatch.getTargetType()) + given(mismatch);
                }
                case StreamReadException syntax -> {
                    return "The request body is not valid JSON: " + syntax.getOriginalMessage();
                }
                default -> {
                    // look further down the chain
                }
            }
        }
        return "The request body is not valid JSON: " + failure.getMessage();
    }

    private static String path(final DatabindException failure) {
        final StringBuilder path = new StringBuilder();
        for (final var step : failure.getPath()) {
            if (step.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(step.getPropertyName());
            } else if (step.getIndex() >= 0) {
                path.append('[').append(step.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String known(final Collection<Object> names) {
        return names.stream().map(String::valueOf).sorted().collect(Collectors.joining(", ", "[", "]"));
    }

    /** What a value of {@code type} is, in a caller's words: "a whole number", "true or false", "a string"... */
    public static String kind(final Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class || CharSequence.class.isAssignableFrom(type)) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        return "a string"; // a value type read from text, such as a partial update's text field
    }

    private static String given(final MismatchedInputException mismatch) {
        return mismatch instanceof InvalidFormatException invalid ? ", got " + invalid.getValue() : "";
    }
}
