package dev.switchboard.routing.proxy;

/**
 * A request the front door cannot serve, with the HTTP status and the OpenAI error {@code type} and {@code code}
 * it is answered with. {@link #retryable()} tells clients whether sending the same request again may help.
 */
final class FrontDoorException extends RuntimeException {

    private final int status;
    private final String type;
    private final String code;
    private final String retryAfter;

    private FrontDoorException(final int status, final String type, final String code, final String message) {
        this(status, type, code, message, "1");
    }

    private FrontDoorException(final int status, final String type, final String code, final String message,
                               final String retryAfter) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    /** This error, telling the client to come back after {@code seconds} (an upstream's own Retry-After). */
    public FrontDoorException retryAfter(final String seconds) {
        return new FrontDoorException(status, type, code, getMessage(), seconds);
    }

    public static FrontDoorException invalidRequest(final String message) {
        return new FrontDoorException(400, "invalid_request_error", "invalid_request", message);
    }

    public static FrontDoorException unsupportedMediaType(final String message) {
        return new FrontDoorException(415, "invalid_request_error", "unsupported_media_type", message);
    }

    public static FrontDoorException unauthorized(final String message) {
        return new FrontDoorException(401, "invalid_request_error", "invalid_api_key", message);
    }

    public static FrontDoorException methodNotAllowed(final String message) {
        return new FrontDoorException(405, "invalid_request_error", "method_not_allowed", message);
    }

    public static FrontDoorException tooLarge(final String message) {
        return new FrontDoorException(413, "invalid_request_error", "request_too_large", message);
    }

    public static FrontDoorException unknownModel(final String message) {
        return new FrontDoorException(404, "invalid_request_error", "model_not_found", message);
    }

    /** A pinned version that exists but may not take requests now. */
    public static FrontDoorException versionInactive(final String message) {
        return new FrontDoorException(409, "invalid_request_error", "version_inactive", message);
    }

    public static FrontDoorException notFound(final String message) {
        return new FrontDoorException(404, "invalid_request_error", "not_found", message);
    }

    public static FrontDoorException noRoutableVersion(final String message) {
        return new FrontDoorException(503, "service_unavailable", "no_routable_version", message);
    }

    public static FrontDoorException internal(final String message) {
        return new FrontDoorException(500, "server_error", "internal_error", message);
    }

    public static FrontDoorException upstreamFailed(final String message) {
        return new FrontDoorException(502, "upstream_error", "upstream_error", message);
    }

    /** Every version tried was rate limited (429): the client should slow down and come back. */
    public static FrontDoorException rateLimited(final String message) {
        return new FrontDoorException(429, "rate_limit_error", "rate_limit_exceeded", message);
    }

    /** Every version tried was unavailable (503): the client may come back shortly. */
    public static FrontDoorException upstreamUnavailable(final String message) {
        return new FrontDoorException(503, "service_unavailable", "upstream_unavailable", message);
    }

    public static FrontDoorException upstreamTimedOut(final String message) {
        return new FrontDoorException(504, "timeout", "upstream_timeout", message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    /** Whether the same request may succeed later: answered with {@code Retry-After}, which SDKs' retries honour. */
    public boolean retryable() {
        return status >= 500 || status == 429;
    }

    /** The seconds a retryable error's {@code Retry-After} says: 1, or what the upstream that refused said. */
    public String retryAfter() {
        return retryAfter;
    }
}
