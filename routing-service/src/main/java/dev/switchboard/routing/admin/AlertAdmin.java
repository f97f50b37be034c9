package dev.switchboard.routing.admin;

import dev.switchboard.events.AlertChannel;
import dev.switchboard.events.AlertEvent;
import dev.switchboard.events.AlertRule;
import dev.switchboard.events.AlertState;
import dev.switchboard.routing.controlplane.ConfigEvents;
import dev.switchboard.routing.controlplane.ConfigStore;
import dev.switchboard.routing.notify.Channel;
import dev.switchboard.routing.table.Provider;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Alert rules and notification channels, as configuration: each change is written with its audit record through
 * the {@link ConfigLog} and read back from it. stats-streams evaluates the rules; every router's notifier follows
 * the channels. A channel's secret (and a Slack url) is sealed in its event and never answered.
 */
final class AlertAdmin {

    private static final String CHANNELS_SUBJECT = "alerts/channels";

    private final ConfigLog configLog;
    private final ConfigStore store;
    private final ConfigEvents events;
    private final Clock clock;
    private final String instanceId;

    AlertAdmin(final ConfigLog configLog, final ConfigStore store, final ConfigEvents events, final Clock clock,
               final String instanceId) {
        this.configLog = configLog;
        this.store = store;
        this.events = events;
        this.clock = clock;
        this.instanceId = instanceId;
    }

    List<AlertViews.RuleView> rules() {
        final List<AlertEvent> latest = List.copyOf(configLog.alerts().snapshot().values());
        return configLog.alertRules().snapshot().values().stream()
            .sorted(Comparator.comparing(AlertRule::getRuleId))
            .map(rule -> AlertViews.RuleView.of(rule, latest)).toList();
    }

    AlertViews.RuleView rule(final String id) {
        return AlertViews.RuleView.of(existingRule(id), configLog.alerts().snapshot().values());
    }

    /** Creates a rule ({@code id} null: from the body, or a new one) or replaces one. */
    synchronized AlertViews.RuleView putRule(final String actor, final @Nullable String id,
                                             final AlertCommands.@Nullable RuleCommand body) {
        final AlertCommands.RuleCommand command = Checks.body(body, AlertCommands.RuleCommand.FIELDS);
        final Optional<AlertRule> before = id == null ? Optional.empty() : Optional.of(existingRule(id));
        final String ruleId = id != null ? id : command.ruleId() != null ? command.ruleId() : newId("rule");
        if (id == null && configLog.alertRules().get(ruleId).isPresent()) {
            throw AdminException.conflict("Alert rule '" + ruleId + "' exists; PUT /api/alerts/rules/" + ruleId
                + " changes it");
        }
        if (id != null && command.ruleId() != null && !command.ruleId().equals(id)) {
            throw AdminException.badRequest("'rule_id' says '" + command.ruleId() + "' but the path says '" + id + "'");
        }
        final Provider provider = AdminCommon.provider(store, command.provider());
        if (command.version() != null && provider.version(command.version()).isEmpty()) {
            throw AdminException.badRequest("'version' names '" + command.version() + "', which " + provider.id()
                + " does not have");
        }
        final AlertRule rule = AlertRule.newBuilder().setRuleId(ruleId).setCategory(provider.category())
            .setProvider(provider.name()).setVersion(command.version()).setMetric(command.metric())
            .setComparison(command.comparison()).setThreshold(command.threshold())
            .setWindowSeconds(command.windowSeconds()).setMinSamples(command.minSamples())
            .setHoldSeconds(command.holdSeconds()).setEnabled(command.enabled())
            .setDescription(command.description()).setUpdatedAt(clock.instant()).setUpdatedBy(actor).build();
        configLog.commitAndSee(configLog.changes().putAlertRule(rule).audit(AdminCommon.audit(actor,
            rule.getUpdatedAt(), before.isEmpty() ? "create_alert_rule" : "update_alert_rule", "alerts/rules/" + ruleId,
            before.orElse(null), rule, instanceId), provider.id()));
        return rule(ruleId);
    }

    synchronized void deleteRule(final String actor, final String id) {
        final AlertRule rule = existingRule(id);
        configLog.commitAndSee(configLog.changes().deleteAlertRule(id).audit(AdminCommon.audit(actor,
            clock.instant(), "delete_alert_rule", "alerts/rules/" + id, rule, null, instanceId),
            rule.getCategory() + "/" + rule.getProvider()));
    }

    List<AlertViews.ChannelView> channels() {
        return configLog.alertChannels().snapshot().values().stream()
            .sorted(Comparator.comparing(AlertChannel::getChannelId)).map(this::view).toList();
    }

    AlertViews.ChannelView channel(final String id) {
        return view(existingChannel(id));
    }

    synchronized AlertViews.ChannelView putChannel(final String actor, final @Nullable String id,
                                                   final AlertCommands.@Nullable ChannelCommand body) {
        final AlertCommands.ChannelCommand command = Checks.body(body, AlertCommands.ChannelCommand.FIELDS);
        final Optional<AlertChannel> before = id == null ? Optional.empty() : Optional.of(existingChannel(id));
        final String channelId = id != null ? id : command.channelId() != null ? command.channelId()
            : newId("channel");
        if (id == null && configLog.alertChannels().get(channelId).isPresent()) {
            throw AdminException.conflict("Channel '" + channelId + "' exists; PUT /api/alerts/channels/" + channelId
                + " changes it");
        }
        if (id != null && command.channelId() != null && !command.channelId().equals(id)) {
            throw AdminException.badRequest("'channel_id' says '" + command.channelId() + "' but the path says '" + id
                + "'");
        }
        command.providers().forEach(provider -> AdminCommon.provider(store, provider));
        // Write-only: a change that leaves the secret out keeps the current one (of the same kind of channel).
        final String secret = command.secret() != null ? command.secret() : before
            .filter(old -> old.getKind() == command.kind()).flatMap(events::toChannel).map(Channel::secret)
            .orElse(null);
        final Instant now = clock.instant();
        final Channel channel = new Channel(channelId, command.kind(), command.url(), secret,
            command.subscriptions(), java.util.Set.copyOf(command.providers()),
            before.map(AlertChannel::getCreatedAt).orElse(now));
        final AlertChannel event = events.toEvent(channel, command.enabled(), now, actor);
        configLog.commitAndSee(configLog.changes().putAlertChannel(event).audit(AdminCommon.audit(actor, now,
            before.isEmpty() ? "create_alert_channel" : "update_alert_channel", CHANNELS_SUBJECT + "/" + channelId,
            before.map(this::masked).orElse(null), masked(event), instanceId), CHANNELS_SUBJECT));
        return channel(channelId);
    }

    synchronized void deleteChannel(final String actor, final String id) {
        final AlertChannel channel = existingChannel(id);
        configLog.commitAndSee(configLog.changes().deleteAlertChannel(id).audit(AdminCommon.audit(actor,
            clock.instant(), "delete_alert_channel", CHANNELS_SUBJECT + "/" + id, masked(channel), null, instanceId),
            CHANNELS_SUBJECT));
    }

    /** Each rule's latest transition per version, firing first, newest first. */
    /** The latest transitions of the rules there are: a deleted rule's last state stays on the topic, not here. */
    List<AlertViews.AlertView> alerts(final Optional<String> state) {
        final Map<String, AlertRule> rules = configLog.alertRules().snapshot();
        return configLog.alerts().snapshot().values().stream()
            .filter(alert -> rules.containsKey(alert.getRuleId()))
            .filter(alert -> state.map(s -> s.equalsIgnoreCase(alert.getState().name())).orElse(true))
            .sorted(Comparator.comparing((AlertEvent alert) -> alert.getState() != AlertState.FIRING)
                .thenComparing(AlertEvent::getEventTime, Comparator.reverseOrder()))
            .map(AlertViews.AlertView::of).toList();
    }

    private AlertViews.ChannelView view(final AlertChannel channel) {
        final URI url = events.toChannel(channel).map(Channel::url).orElse(URI.create("https://unreadable"));
        return AlertViews.ChannelView.of(channel, url);
    }

    /** The channel as the audit records it (its JSON): the secret and a Slack url masked, not even sealed. */
    private AlertChannel masked(final AlertChannel channel) {
        return AlertChannel.newBuilder(channel).setUrl(view(channel).url())
            .setSecret(channel.getSecret() == null ? null : AdminViews.MASK).build();
    }

    private AlertRule existingRule(final String id) {
        return configLog.alertRules().get(id)
            .orElseThrow(() -> AdminException.notFound("No alert rule '" + id + "'"));
    }

    private AlertChannel existingChannel(final String id) {
        return configLog.alertChannels().get(id)
            .orElseThrow(() -> AdminException.notFound("No channel '" + id + "'"));
    }

    private static String newId(final String prefix) {
        return prefix + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }
}
