/**
 * Alert rules on a version's recent traffic: the figure a rule watches ({@link dev.switchboard.stats.alert.Threshold}),
 * and the state machine that fires and resolves a rule only once its condition has held, or stopped holding, for the
 * rule's hold time ({@link dev.switchboard.stats.alert.RuleState}). Plain Java; the Kafka Streams processor that runs
 * them is in {@code stats.alert.stream}.
 */
@NullMarked
package dev.switchboard.stats.alert;

import org.jspecify.annotations.NullMarked;
