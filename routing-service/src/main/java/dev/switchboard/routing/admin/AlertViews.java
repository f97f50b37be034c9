package dev.switchboard.routing.admin;

import dev.switchboard.events.AlertChannel;
import dev.switchboard.events.AlertEvent;
import dev.switchboard.events.AlertRule;
import dev.switchboard.events.AlertState;
import dev.switchboard.events.ChannelKind;
import java.net.URI;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The answers of {@code /api/alerts}: rules with their state, channels without their secrets, alerts. */
final class AlertViews {

    private AlertViews() {
    }

    /**
     * A rule and where it stands: {@code firing} while any of its versions fires (listed in {@code firing_versions}),
     * else {@code ok}; {@code disabled} when switched off.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record RuleView(String ruleId, String provider, @Nullable String version, String metric, String comparison,
                    double threshold, long windowSeconds, long minSamples, long holdSeconds, boolean enabled,
                    @Nullable String description, String state, List<AlertView> firingVersions, Instant updatedAt,
                    String updatedBy) {

        static RuleView of(final AlertRule rule, final Collection<AlertEvent> latest) {
            final List<AlertView> firing = latest.stream()
                .filter(alert -> alert.getRuleId().equals(rule.getRuleId()) && alert.getState() == AlertState.FIRING)
                .map(AlertView::of).toList();
            return new RuleView(rule.getRuleId(), rule.getCategory() + "/" + rule.getProvider(), rule.getVersion(),
                AlertCommands.lower(rule.getMetric()), AlertCommands.lower(rule.getComparison()), rule.getThreshold(),
                rule.getWindowSeconds(), rule.getMinSamples(), rule.getHoldSeconds(), rule.getEnabled(),
                rule.getDescription(), !rule.getEnabled() ? "disabled" : firing.isEmpty() ? "ok" : "firing", firing,
                rule.getUpdatedAt(), rule.getUpdatedBy());
        }
    }

    /** A rule's latest transition on one version, as stats-streams wrote it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record AlertView(String ruleId, String provider, String version, String state, String metric, String comparison,
                     double threshold, @Nullable Double value, long samples, Instant conditionSince, Instant firedAt,
                     Instant eventTime, String reason, String eventId) {

        static AlertView of(final AlertEvent alert) {
            return new AlertView(alert.getRuleId(), alert.getCategory() + "/" + alert.getProvider(),
                alert.getVersion(), AlertCommands.lower(alert.getState()), AlertCommands.lower(alert.getMetric()),
                AlertCommands.lower(alert.getComparison()), alert.getThreshold(),
                Double.isFinite(alert.getValue()) ? alert.getValue() : null, alert.getSamples(),
                alert.getConditionSince(), alert.getFiredAt(), alert.getEventTime(), alert.getReason(),
                alert.getEventId());
        }
    }

    /**
     * A channel as answers and the audit show it: whether it has a secret, never the secret; a Slack channel's url
     * (its credential) as its host only.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ChannelView(String channelId, String kind, String url, boolean secretSet, List<String> subscriptions,
                       List<String> providers, boolean enabled, Instant createdAt, Instant updatedAt,
                       String updatedBy) {

        static ChannelView of(final AlertChannel channel, final URI openedUrl) {
            return new ChannelView(channel.getChannelId(), AlertCommands.lower(channel.getKind()),
                channel.getKind() == ChannelKind.SLACK ? openedUrl.getScheme() + "://" + openedUrl.getHost() + "/"
                    + AdminViews.MASK : openedUrl.toString(),
                channel.getSecret() != null, channel.getSubscriptions().stream().map(AlertCommands::lower).toList(),
                List.copyOf(channel.getProviders()), channel.getEnabled(), channel.getCreatedAt(),
                channel.getUpdatedAt(), channel.getUpdatedBy());
        }
    }
}
