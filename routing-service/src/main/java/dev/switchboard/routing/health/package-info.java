/**
 * What the router knows of each version's health: the prober's reports and live-traffic ejections. Null-marked: what may be null says so ({@code @Nullable}), and NullAway checks it at compile time.
 */
@NullMarked
package dev.switchboard.routing.health;

import org.jspecify.annotations.NullMarked;
