/**
 * An attempt's outcome, as the outcome event records it. Null-marked: what may be null says so ({@code @Nullable}), and NullAway checks it at compile time.
 */
@NullMarked
package dev.switchboard.routing.outcome;

import org.jspecify.annotations.NullMarked;
