package dev.switchboard.routing.admin;

import dev.switchboard.events.AlertComparison;
import dev.switchboard.events.AlertMetric;
import dev.switchboard.events.ChannelKind;
import dev.switchboard.events.NotificationKind;
import com.fasterxml.jackson.annotation.JsonCreator;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.net.URI;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The bodies of {@code /api/alerts/rules} and {@code /api/alerts/channels}, checked as they are bound. */
final class AlertCommands {

    private static final long DAY_SECONDS = 86_400;

    private AlertCommands() {
    }

    /**
     * A rule: seed 002's thresholds ("p95 latency over 10 s", "success rate under 95%") on a provider's versions.
     *
     * @param windowSeconds how far back the figure looks: whole minutes, 60 s to a day (default 300)
     * @param minSamples    the fewest requests in the window that count as evidence (default 20)
     * @param holdSeconds   how long the condition must hold to fire, and stop holding to resolve (default 60)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record RuleCommand(@Nullable String ruleId, String provider, @Nullable String version,
                       @Schema(type = "string", allowableValues = {"error_rate", "success_rate", "p50_latency_ms",
                           "p95_latency_ms", "p99_latency_ms", "p95_ttft_ms", "requests_per_minute", "unhealthy",
                           "health_score"})
                       AlertMetric metric,
                       @Schema(type = "string", allowableValues = {"above", "below"}) AlertComparison comparison,
                       double threshold, long windowSeconds, long minSamples,
                       long holdSeconds, boolean enabled, @Nullable String description) {

        static final String FIELDS = "provider, metric, comparison, threshold, and optionally rule_id, version, "
            + "window_seconds, min_samples, hold_seconds, enabled, description";

        @JsonCreator
        RuleCommand(@Nullable final String ruleId, @Nullable final String provider, @Nullable final String version,
                    @Nullable final String metric, @Nullable final String comparison, @Nullable final Double threshold,
                    @Nullable final Long windowSeconds, @Nullable final Long minSamples,
                    @Nullable final Long holdSeconds, @Nullable final Boolean enabled,
                    @Nullable final String description) {
            this(id(ruleId, "rule_id"), Checks.text(provider, "provider"), Checks.optionalText(version, "version"),
                known(AlertMetric.class, metric, "metric"), known(AlertComparison.class, comparison, "comparison"),
                Checks.number(threshold, "threshold", Double.NaN, 0, Double.MAX_VALUE),
                Checks.wholeNumber(windowSeconds, "window_seconds", 300, 60, DAY_SECONDS),
                Checks.wholeNumber(minSamples, "min_samples", 20, 0, 1_000_000_000),
                Checks.wholeNumber(holdSeconds, "hold_seconds", 60, 0, DAY_SECONDS), enabled == null || enabled, Checks.optionalText(description, "description"));
        }

        RuleCommand {
            if (windowSeconds % 60 != 0) {
                throw AdminException.badRequest("'window_seconds' must be whole minutes (the stats are per minute), "
                    + "got " + windowSeconds);
            }
            if (metric == AlertMetric.HEALTH_SCORE && threshold > 100) {
                throw AdminException.badRequest("'threshold' of health_score is a score 0-100, got " + threshold);
            }
            if ((metric == AlertMetric.ERROR_RATE || metric == AlertMetric.SUCCESS_RATE) && threshold > 1) {
                throw AdminException.badRequest("'threshold' of " + lower(metric) + " is a fraction 0-1 (0.95 for "
                    + "95%), got " + threshold);
            }
        }
    }

    /**
     * A channel.
     *
     * @param secret        a webhook's HMAC key: write-only; left out on a change, the current one is kept
     * @param subscriptions alerts, rollout_decisions, rollout_holds, experiment_verdicts (fixed experiments'
     *                      verdicts, and adaptive searches' ends and arms stopped by a guardrail; default: all but
     *                      rollout_holds)
     * @param providers     {@code category/name}; empty for every provider
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ChannelCommand(@Nullable String channelId,
                          @Schema(type = "string", allowableValues = {"webhook", "slack"}) ChannelKind kind, URI url,
                          @Nullable String secret,
                          @ArraySchema(schema = @Schema(type = "string",
                              allowableValues = {"alerts", "rollout_decisions", "rollout_holds",
                                  "experiment_verdicts"}))
                          Set<NotificationKind> subscriptions, List<String> providers, boolean enabled) {

        static final String FIELDS = "kind (webhook or slack), url, and optionally channel_id, secret, subscriptions, "
            + "providers, enabled";

        @JsonCreator
        ChannelCommand(@Nullable final String channelId, @Nullable final String kind, @Nullable final String url,
                       @Nullable final String secret, @Nullable final List<String> subscriptions,
                       @Nullable final List<String> providers, @Nullable final Boolean enabled) {
            this(id(channelId, "channel_id"), known(ChannelKind.class, kind, "kind"), httpUrl(url),
                Checks.optionalText(secret, "secret"), AlertCommands.subscriptions(subscriptions),
                providers == null ? List.of() : providers.stream().map(p -> Checks.text(p, "providers[]")).toList(),
                enabled == null || enabled);
        }

        ChannelCommand {
            if (kind == ChannelKind.SLACK && secret != null) {
                throw AdminException.badRequest("'secret' signs webhook channels; a Slack channel's url is its "
                    + "credential");
            }
        }

        @Override
        public String toString() {
            return "ChannelCommand[" + channelId + ", " + kind + ", " + subscriptions + "]";
        }
    }

    private static @Nullable String id(final @Nullable String id, final String field) {
        final String given = Checks.optionalText(id, field);
        return given == null ? null : Checks.name(given, field, 64);
    }

    private static <E extends Enum<E>> E known(final Class<E> type, final @Nullable String value, final String field) {
        final String given = Checks.text(value, field);
        final Set<String> allowed = Arrays.stream(type.getEnumConstants()).map(AlertCommands::lower)
            .filter(name -> !name.equals("unknown")).collect(Collectors.toCollection(LinkedHashSet::new));
        if (!allowed.contains(given.toLowerCase(Locale.ROOT))) {
            throw AdminException.badRequest("'" + field + "' must be one of " + String.join(", ", allowed) + ", got '"
                + given + "'");
        }
        return Enum.valueOf(type, given.toUpperCase(Locale.ROOT));
    }

    /** A refused url is not echoed: a Slack channel's url is its credential. */
    private static URI httpUrl(final @Nullable String url) {
        return Checks.httpUrl(Checks.text(url, "url"))
            .orElseThrow(() -> AdminException.badRequest("'url' must be an absolute http or https URL"));
    }

    private static Set<NotificationKind> subscriptions(final @Nullable List<String> given) {
        if (given == null) {
            return Set.of(NotificationKind.ALERTS, NotificationKind.ROLLOUT_DECISIONS,
                NotificationKind.EXPERIMENT_VERDICTS);
        }
        if (given.isEmpty()) {
            throw AdminException.badRequest("'subscriptions' must name at least one of alerts, rollout_decisions, "
                + "rollout_holds, experiment_verdicts");
        }
        return given.stream().map(kind -> known(NotificationKind.class, kind, "subscriptions[]"))
            .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    static String lower(final Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
