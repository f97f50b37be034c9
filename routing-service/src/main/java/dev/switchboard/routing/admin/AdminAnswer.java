package dev.switchboard.routing.admin;

/** The admin API's answers carry what was asked for under {@code data}, as seed 000's do. */
record AdminAnswer<T>(T data) {
}
