/**
 * The providers a router knows and their versions: what they are and where each is called. Null-marked: what may be null says so ({@code @Nullable}), and NullAway checks it at compile time.
 */
@NullMarked
package dev.switchboard.routing.table;

import org.jspecify.annotations.NullMarked;
