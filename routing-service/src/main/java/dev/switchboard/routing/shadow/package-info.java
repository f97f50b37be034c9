/**
 * Seed 003's shadow mode: mirroring served requests to a candidate and comparing the answers. Null-marked: what may be null says so ({@code @Nullable}), and NullAway checks it at compile time.
 */
@NullMarked
package dev.switchboard.routing.shadow;

import org.jspecify.annotations.NullMarked;
