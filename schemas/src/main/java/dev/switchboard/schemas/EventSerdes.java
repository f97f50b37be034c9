package dev.switchboard.schemas;

import dev.switchboard.events.AlertChannel;
import dev.switchboard.events.AlertEvent;
import dev.switchboard.events.AlertRule;
import dev.switchboard.events.ChangeProposal;
import dev.switchboard.events.ConfigChange;
import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentAllocation;
import dev.switchboard.events.ExperimentFeedback;
import dev.switchboard.events.ExperimentVerdict;
import dev.switchboard.events.HealthCheckConfig;
import dev.switchboard.events.HealthEvent;
import dev.switchboard.events.ProviderSettings;
import dev.switchboard.events.ProviderVersion;
import dev.switchboard.events.RegisteredModel;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.events.Rollout;
import dev.switchboard.events.RolloutDecision;
import dev.switchboard.events.ShadowComparison;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/** The serde of every event. Each reads every released version of its schema. */
public final class EventSerdes {

    private EventSerdes() {
    }

    public static AvroEventSerde<RequestOutcome> requestOutcome() {
        return of(RequestOutcome.class, RequestOutcome.getClassSchema());
    }

    public static AvroEventSerde<Experiment> experiment() {
        return of(Experiment.class, Experiment.getClassSchema());
    }

    public static AvroEventSerde<Rollout> rollout() {
        return of(Rollout.class, Rollout.getClassSchema());
    }

    public static AvroEventSerde<RolloutDecision> rolloutDecision() {
        return of(RolloutDecision.class, RolloutDecision.getClassSchema());
    }

    public static AvroEventSerde<ExperimentFeedback> experimentFeedback() {
        return of(ExperimentFeedback.class, ExperimentFeedback.getClassSchema());
    }

    public static AvroEventSerde<HealthEvent> healthEvent() {
        return of(HealthEvent.class, HealthEvent.getClassSchema());
    }

    public static AvroEventSerde<RegisteredModel> registeredModel() {
        return of(RegisteredModel.class, RegisteredModel.getClassSchema());
    }

    public static AvroEventSerde<ShadowComparison> shadowComparison() {
        return of(ShadowComparison.class, ShadowComparison.getClassSchema());
    }

    public static AvroEventSerde<ProviderVersion> providerVersion() {
        return of(ProviderVersion.class, ProviderVersion.getClassSchema());
    }

    public static AvroEventSerde<ProviderSettings> providerSettings() {
        return of(ProviderSettings.class, ProviderSettings.getClassSchema());
    }

    public static AvroEventSerde<HealthCheckConfig> healthCheckConfig() {
        return of(HealthCheckConfig.class, HealthCheckConfig.getClassSchema());
    }

    public static AvroEventSerde<ConfigChange> configChange() {
        return of(ConfigChange.class, ConfigChange.getClassSchema());
    }

    public static AvroEventSerde<AlertRule> alertRule() {
        return of(AlertRule.class, AlertRule.getClassSchema());
    }

    public static AvroEventSerde<AlertChannel> alertChannel() {
        return of(AlertChannel.class, AlertChannel.getClassSchema());
    }

    public static AvroEventSerde<AlertEvent> alertEvent() {
        return of(AlertEvent.class, AlertEvent.getClassSchema());
    }

    public static AvroEventSerde<ExperimentVerdict> experimentVerdict() {
        return of(ExperimentVerdict.class, ExperimentVerdict.getClassSchema());
    }

    public static AvroEventSerde<ExperimentAllocation> experimentAllocation() {
        return of(ExperimentAllocation.class, ExperimentAllocation.getClassSchema());
    }

    public static AvroEventSerde<ChangeProposal> changeProposal() {
        return of(ChangeProposal.class, ChangeProposal.getClassSchema());
    }

    private static <T extends SpecificRecord> AvroEventSerde<T> of(final Class<T> type, final Schema current) {
        return new AvroEventSerde<>(type, current, ReleasedSchemas.of(type.getSimpleName()));
    }
}
