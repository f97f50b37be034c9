package dev.switchboard.routing.admin;

import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Why a request body did not bind to its command, in the words the admin API has always used: the field by its JSON
 * path and what it must be ({@code 'weight' must be a whole number}), the unknown field and the known ones, or the
 * command's own check. Jackson's messages name Java types, which mean nothing to a caller.
 */
final class CommandErrors {

    private CommandErrors() {
    }

    static AdminException explain(final Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            switch (cause) {
                case AdminException refused -> {
                    return refused;
                }
                case UnrecognizedPropertyException unknown -> {
                    return AdminException.badRequest("Unknown field '" + path(unknown) + "'; the fields are "
                        + known(unknown.getKnownPropertyIds()));
                }
                case MismatchedInputException mismatch when mismatch.getPath().isEmpty() -> {
                    return AdminException.badRequest("The request body must be a JSON object");
                }
                case MismatchedInputException mismatch -> {
                    return AdminException.badRequest("'" + path(mismatch) + "' must be "
                        + kind(mismatch.getTargetType()) + given(mismatch));
                }
                case StreamReadException syntax -> {
                    return AdminException.badRequest("The request body is not valid JSON: " + syntax.getOriginalMessage());
                }
                default -> {
                    // look further down the chain
                }
            }
        }
        return AdminException.badRequest("The request body is not valid JSON: " + failure.getMessage());
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

    private static String kind(final Class<?> type) {
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
        if (type == String.class || type == TextPatch.class) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        return "of another type";
    }

    private static String given(final MismatchedInputException mismatch) {
        return mismatch instanceof InvalidFormatException invalid ? ", got " + invalid.getValue() : "";
    }
}
