package dev.switchboard.stats.alert;

import java.util.Locale;

/**
 * A rule's figure over its window.
 *
 * @param value    the figure; NaN when the window had fewer requests than the rule's minimum
 * @param samples  requests in the window
 * @param breached whether the condition holds: enough samples and the figure on the wrong side of the threshold
 * @param reason   the comparison in words, for events and logs
 */
public record Reading(double value, long samples, boolean breached, String reason) {

    static Reading insufficient(final long samples, final long minimum) {
        return new Reading(Double.NaN, samples, false,
            String.format(Locale.ROOT, "%d requests in the window, fewer than the rule's minimum of %d", samples,
                minimum));
    }
}
