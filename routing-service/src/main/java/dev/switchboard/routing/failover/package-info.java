/**
 * Where a request goes after a failed attempt, and the retry budget that bounds it. Null-marked: what may be null says so ({@code @Nullable}), and NullAway checks it at compile time.
 */
@NullMarked
package dev.switchboard.routing.failover;

import org.jspecify.annotations.NullMarked;
