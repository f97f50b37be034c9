package dev.switchboard.routing.admin;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The checks the admin commands make of their own fields, each failure a 400 that names the field as the caller
 * wrote it and says what it must be.
 */
final class Checks {

    private Checks() {
    }

    /** @return the value without surrounding blanks */
    static String text(final @Nullable String value, final String field) {
        if (value == null) {
            throw AdminException.badRequest("'" + field + "' is required, as a string");
        }
        if (value.isBlank()) {
            throw AdminException.badRequest("'" + field + "' must be a non-blank string");
        }
        return value.strip();
    }

    /** For a field whose blanks {@link #optionalText} has already refused. */
    static String required(final @Nullable String value, final String field) {
        if (value == null) {
            throw AdminException.badRequest("'" + field + "' is required");
        }
        return value;
    }

    static @Nullable String optionalText(final @Nullable String value, final String field) {
        return value == null ? null : text(value, field);
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /**
     * A name or id that goes into keys and paths: 1 to {@code maxLength} letters, digits, '.', '_' or '-', starting
     * with a letter or digit.
     */
    static String name(final String value, final String field, final int maxLength) {
        if (value.length() > maxLength || !NAME.matcher(value).matches()) {
            throw AdminException.badRequest("'" + field + "' must be 1-" + maxLength
                + " letters, digits, '.', '_' or '-'");
        }
        return value;
    }

    /** An absolute http or https URL; empty for anything else (the caller words the refusal). */
    static Optional<URI> httpUrl(final String value) {
        try {
            final URI uri = URI.create(value.strip());
            return uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                ? Optional.of(uri) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** @param fallback the value when the field is left out */
    static long wholeNumber(final @Nullable Long value, final String field, final long fallback, final long min,
                            final long max) {
        if (value == null) {
            return fallback;
        }
        if (value < min || value > max) {
            throw AdminException.badRequest("'" + field + "' must be a whole number " + min + "-" + max + ", got "
                + value);
        }
        return value;
    }

    static int wholeNumber(final int value, final String field, final int min, final int max) {
        if (value < min || value > max) {
            throw AdminException.badRequest("'" + field + "' must be a whole number " + min + "-" + max + ", got "
                + value);
        }
        return value;
    }

    static double percentage(final @Nullable Double value, final String field) {
        if (value == null || value < 0 || value > 100) {
            throw AdminException.badRequest("'" + field + "' must be a number 0-100");
        }
        return value;
    }

    /** @param fallback the value when the field is left out; NaN when it is required */
    static double number(final @Nullable Number value, final String field, final double fallback, final double min,
                         final double max) {
        if (value == null && !Double.isNaN(fallback)) {
            return fallback;
        }
        if (value == null || value.doubleValue() < min || value.doubleValue() > max) {
            throw AdminException.badRequest("'" + field + "' must be a number from " + min + " to " + max);
        }
        return value.doubleValue();
    }

    /** Seed 000's bodies: any of their fields may be what is missing, so none is named. */
    static <T> T body(final @Nullable T body) {
        if (body == null) {
            throw AdminException.badRequest("The request body must be a JSON object");
        }
        return body;
    }

    static <T> T body(final @Nullable T body, final String expected) {
        if (body == null) {
            throw AdminException.badRequest("The body must be a JSON object with " + expected);
        }
        return body;
    }
}
