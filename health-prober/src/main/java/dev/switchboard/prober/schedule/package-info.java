/**
 * When each version is probed, and the health reports that follow. Null-marked: what may be null says so ({@code @Nullable}), and NullAway checks it at compile time.
 */
@NullMarked
package dev.switchboard.prober.schedule;

import org.jspecify.annotations.NullMarked;
