/**
 * Choosing the version for an attempt: the strategies and the selector that applies health, ejections, rollouts and experiments. Null-marked: what may be null says so ({@code @Nullable}), and NullAway checks it at compile time.
 */
@NullMarked
package dev.switchboard.routing.strategy;

import org.jspecify.annotations.NullMarked;
