package dev.switchboard.routing.admin;

import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.std.StdDeserializer;

/**
 * Reads one field of a partial update that can be left out (keep what is there), {@code null} (remove it) or a
 * value (set it): Jackson asks a field's reader for the first two separately, and the patch types answer them with
 * their own {@code ABSENT} and {@code REMOVED}. Subclasses read the value.
 */
abstract class PatchReader<T> extends StdDeserializer<T> {

    private final T absent;
    private final T removed;

    PatchReader(final Class<T> type, final T absent, final T removed) {
        super(type);
        this.absent = absent;
        this.removed = removed;
    }

    @Override
    public final T getNullValue(final DeserializationContext context) {
        return removed;
    }

    @Override
    public final Object getAbsentValue(final DeserializationContext context) {
        return absent;
    }
}
