/**
 * Experiment analysis: arms, estimates, tests, sample sizes and verdicts. Null-marked: what may be null says so ({@code @Nullable}), and NullAway checks it at compile time.
 */
@NullMarked
package dev.switchboard.stats.experiment;

import org.jspecify.annotations.NullMarked;
