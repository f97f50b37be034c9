/**
 * One probe of one version, by its type. Null-marked: what may be null says so ({@code @Nullable}), and NullAway checks it at compile time.
 */
@NullMarked
package dev.switchboard.prober.probe;

import org.jspecify.annotations.NullMarked;
