package dev.switchboard.prober.web;

/** Seed 001's answer envelope: {@code {"code": 200, "data": ...}}. */
record HealthAnswer<T>(int code, T data) {

    static <T> HealthAnswer<T> ok(final T data) {
        return new HealthAnswer<>(200, data);
    }
}
