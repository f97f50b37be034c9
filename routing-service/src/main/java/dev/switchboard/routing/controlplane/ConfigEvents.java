package dev.switchboard.routing.controlplane;

import dev.switchboard.common.security.SecretSealer;
import dev.switchboard.events.AlertChannel;
import dev.switchboard.events.ChannelKind;
import dev.switchboard.events.ProviderSettings;
import dev.switchboard.events.ProviderVersion;
import dev.switchboard.events.StickyRollout;
import dev.switchboard.events.VersionPrices;
import dev.switchboard.routing.governance.ChangePolicy;
import dev.switchboard.routing.governance.Guard;
import dev.switchboard.routing.notify.Channel;
import dev.switchboard.routing.table.Prices;
import dev.switchboard.routing.table.ProviderPolicy;
import dev.switchboard.routing.table.Secrets;
import dev.switchboard.routing.table.ShadowMirror;
import dev.switchboard.routing.table.VersionConfig;
import dev.switchboard.schemas.VersionKey;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps the control-plane events to the routing core's values and back. Secrets are sealed on the way into an
 * event and opened on the way out; a secret that does not open (another deployment's key) is left out and
 * logged by name only.
 */
public final class ConfigEvents {

    private static final Logger log = LoggerFactory.getLogger(ConfigEvents.class);

    private final SecretSealer sealer;

    public ConfigEvents(final SecretSealer sealer) {
        this.sealer = sealer;
    }

    public VersionConfig toVersion(final ProviderVersion event) {
        final VersionKey key = new VersionKey(event.getCategory(), event.getName(), event.getVersion());
        final Map<String, String> secrets = new HashMap<>();
        event.getSealedSecrets().forEach((field, sealed) -> {
            try {
                secrets.put(field, sealer.open(sealed, context(key, field)));
            } catch (IllegalArgumentException e) {
                log.warn("Secret '{}' of {} cannot be opened ({}); the version runs without it", field, key,
                    e.getMessage());
            }
        });
        final Map<String, Object> parameters = new HashMap<>();
        event.getParameters().forEach((name, value) -> parameters.put(name, value));
        return new VersionConfig(key, event.getType(), event.getModelName(),
            Optional.ofNullable(event.getUrl()).map(URI::create), event.getWeight(), event.getIsActive(), event.getIsDefault(), parameters,
            Secrets.of(secrets), event.getCreatedAt(), event.getUpdatedAt(), Optional.ofNullable(event.getPrices())
                .map(p -> new Prices(p.getInputPerMillionTokens(), p.getOutputPerMillionTokens(), p.getPerRequest(),
                    p.getPerMillionCharacters())));
    }

    /**
     * @return the channel with its secret (and a Slack channel's url, its credential) opened; empty, and logged by
     *         name only, when they do not open
     */
    public Optional<Channel> toChannel(final AlertChannel event) {
        final String id = event.getChannelId();
        try {
            final String url = event.getKind() == ChannelKind.SLACK
                ? sealer.open(event.getUrl(), channelContext(id, "url")) : event.getUrl();
            final String secret = event.getSecret() == null ? null
                : sealer.open(event.getSecret(), channelContext(id, "secret"));
            return Optional.of(new Channel(id, event.getKind(), URI.create(url), secret,
                java.util.Set.copyOf(event.getSubscriptions()), java.util.Set.copyOf(event.getProviders()),
                event.getCreatedAt()));
        } catch (IllegalArgumentException e) {
            log.warn("Channel {} cannot be opened ({}); it delivers nothing until it is written again", id,
                e.getMessage());
            return Optional.empty();
        }
    }

    /** The channel as its event keeps it: the secret, and a Slack channel's url, sealed. */
    public AlertChannel toEvent(final Channel channel, final boolean enabled, final Instant updatedAt,
                                final String updatedBy) {
        final String id = channel.id();
        return AlertChannel.newBuilder().setChannelId(id).setKind(channel.kind())
            .setUrl(channel.kind() == ChannelKind.SLACK
                ? sealer.seal(channel.url().toString(), channelContext(id, "url")) : channel.url().toString())
            .setSecret(channel.secret() == null ? null : sealer.seal(channel.secret(), channelContext(id, "secret")))
            .setSubscriptions(channel.subscriptions().stream().sorted().toList())
            .setProviders(channel.providers().stream().sorted().toList())
            .setEnabled(enabled).setCreatedAt(channel.createdAt()).setUpdatedAt(updatedAt).setUpdatedBy(updatedBy)
            .build();
    }

    private static String channelContext(final String id, final String field) {
        return "alert-channel/" + id + "#" + field;
    }

    public ProviderVersion toEvent(final VersionConfig version) {
        final Map<String, String> sealed = new HashMap<>();
        for (final String field : version.secrets().names()) {
            sealed.put(field, sealer.seal(version.secrets().get(field).orElseThrow(), context(version.key(), field)));
        }
        final Map<String, Object> parameters = new HashMap<>();
        version.parameters().forEach((name, value) -> parameters.put(name, avroValue(value)));
        return ProviderVersion.newBuilder()
            .setCategory(version.key().category())
            .setName(version.key().name())
            .setVersion(version.version())
            .setType(version.type())
            .setModelName(version.modelName())
            .setUrl(version.url().map(URI::toString).orElse(null))
            .setWeight(version.weight())
            .setIsActive(version.active())
            .setIsDefault(version.isDefault())
            .setParameters(parameters)
            .setSealedSecrets(sealed)
            .setCreatedAt(version.createdAt())
            .setUpdatedAt(version.updatedAt())
            .setPrices(version.prices().map(p -> VersionPrices.newBuilder()
                .setInputPerMillionTokens(p.inputPerMillionTokens())
                .setOutputPerMillionTokens(p.outputPerMillionTokens())
                .setPerRequest(p.perRequest()).setPerMillionCharacters(p.perMillionCharacters()).build())
                .orElse(null))
            .build();
    }

    public static ProviderPolicy toPolicy(final ProviderSettings settings) {
        final Optional<dev.switchboard.routing.table.StickyRollout> rollout = Optional.ofNullable(settings.getRollout())
            .map(r -> new dev.switchboard.routing.table.StickyRollout(r.getBaseline(), r.getCandidate(),
                r.getPercentage(), r.getSalt()));
        return new ProviderPolicy(settings.getStrategy(), rollout, Optional.ofNullable(settings.getFallbackProvider()),
            settings.getMaxAttempts(), Optional.ofNullable(settings.getShadow())
                .map(mirror -> new ShadowMirror(mirror.getCandidate(), mirror.getPercentage())),
            toChangePolicy(settings.getChangePolicy()));
    }

    /** A guard this router does not know (written by a newer one) is left out, not fatal. */
    private static ChangePolicy toChangePolicy(final dev.switchboard.events.@Nullable ChangePolicy event) {
        if (event == null) {
            return ChangePolicy.NONE;
        }
        final Set<Guard> guards = EnumSet.noneOf(Guard.class);
        for (final String label : event.getApprovalFor()) {
            try {
                guards.add(Guard.parse(label));
            } catch (IllegalArgumentException e) {
                log.warn("Ignoring an unknown change guard in a provider's policy: {}", label);
            }
        }
        return new ChangePolicy(Optional.ofNullable(event.getMaxWeightStep()), guards,
            Duration.ofSeconds(event.getProposalTtlSeconds()));
    }

    public static ProviderSettings toEvent(final String category, final String name, final ProviderPolicy policy,
                                           final Instant now) {
        return ProviderSettings.newBuilder()
            .setCategory(category)
            .setName(name)
            .setStrategy(policy.strategy())
            .setRollout(policy.rollout().map(r -> new StickyRollout(r.baseline(), r.candidate(), r.percentage(),
                r.salt())).orElse(null))
            .setFallbackProvider(policy.fallbackProvider().orElse(null))
            .setMaxAttempts(policy.maxAttempts())
            .setShadow(policy.shadow().map(mirror -> new dev.switchboard.events.ShadowMirror(mirror.candidate(),
                mirror.percentage())).orElse(null))
            .setUpdatedAt(now)
            .setChangePolicy(policy.changes().equals(ChangePolicy.NONE) ? null
                : dev.switchboard.events.ChangePolicy.newBuilder()
                .setMaxWeightStep(policy.changes().maxWeightStep().orElse(null))
                .setApprovalFor(policy.changes().approvalFor().stream().sorted().map(Guard::label).toList())
                .setProposalTtlSeconds(policy.changes().proposalTtl().toSeconds())
                .build())
            .build();
    }

    /** Avro's parameter map holds null, boolean, long, double or string. */
    static Object avroValue(final Object value) {
        return switch (value) {
            case null -> null;
            case Boolean b -> b;
            case Integer i -> i.longValue();
            case Long l -> l;
            case Number n -> n.doubleValue();
            default -> value.toString();
        };
    }

    private static String context(final VersionKey key, final String field) {
        return key + "#" + field;
    }
}
