/**
 * Each version's health state machine and score. Null-marked: what may be null says so ({@code @Nullable}), and NullAway checks it at compile time.
 */
@NullMarked
package dev.switchboard.prober.health;

import org.jspecify.annotations.NullMarked;
