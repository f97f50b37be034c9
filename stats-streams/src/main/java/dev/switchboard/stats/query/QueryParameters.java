package dev.switchboard.stats.query;

import dev.switchboard.schemas.VersionKey;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** Reads and checks the parameters the stats queries share, failing with a {@link BadQueryException} that says why. */
final class QueryParameters {

    /** A daily query covers at most a year and a day. */
    static final int MAX_DAYS = 366;

    /** UTC days from {@code first} to {@code last}, both included. */
    record Days(LocalDate first, LocalDate last) {
    }

    private QueryParameters() {
    }

    static VersionKey version(final String category, final String name, final String version) {
        try {
            return new VersionKey(category, name, version);
        } catch (IllegalArgumentException e) {
            throw new BadQueryException(e.getMessage());
        }
    }

    /** A provider: a version key without its version, checked by the same rules. */
    static String provider(final String category, final String name) {
        return version(category, name, "any").provider();
    }

    /** The days of {@code from} and {@code to} (YYYY-MM-DD), each today by default. */
    static Days days(final String from, final String to, final Clock clock) {
        final LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        final LocalDate first = date("from", from, today);
        final LocalDate last = date("to", to, today);
        if (first.isAfter(last)) {
            throw new BadQueryException("'from' (" + first + ") must not be after 'to' (" + last + ")");
        }
        if (ChronoUnit.DAYS.between(first, last) >= MAX_DAYS) {
            throw new BadQueryException("a query covers at most " + MAX_DAYS + " days");
        }
        return new Days(first, last);
    }

    static Instant instant(final String parameter, final String value, final Instant fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadQueryException("'" + parameter + "' must be an instant as 2026-11-22T10:00:00Z, got '"
                + value + "'");
        }
    }

    private static LocalDate date(final String parameter, final String value, final LocalDate fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadQueryException("'" + parameter + "' must be a date as YYYY-MM-DD, got '" + value + "'");
        }
    }
}
