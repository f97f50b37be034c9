/**
 * The sequential canary judge: always-valid intervals on each gate, promote, hold or roll back. Null-marked: what may be null says so ({@code @Nullable}), and NullAway checks it at compile time.
 */
@NullMarked
package dev.switchboard.stats.canary;

import org.jspecify.annotations.NullMarked;
