package dev.switchboard.schemas;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gate on schema changes: every released version must stay readable by the current schema, and the
 * current schema must itself be released (so a change cannot ship without adding the next version file).
 */
class SchemaCompatibilityTest {

    static Stream<Schema> currentSchemas() {
        return Stream.of(RequestOutcome.getClassSchema(), HealthEvent.getClassSchema(),
            ShadowComparison.getClassSchema(), ProviderVersion.getClassSchema(), ProviderSettings.getClassSchema(),
            ConfigChange.getClassSchema(), HealthCheckConfig.getClassSchema(), Experiment.getClassSchema(),
            RegisteredModel.getClassSchema(), ExperimentFeedback.getClassSchema(), Rollout.getClassSchema(),
            RolloutDecision.getClassSchema(), AlertRule.getClassSchema(), AlertChannel.getClassSchema(),
            AlertEvent.getClassSchema(), ExperimentVerdict.getClassSchema(), ChangeProposal.getClassSchema(),
            ExperimentAllocation.getClassSchema());
    }

    @ParameterizedTest
    @MethodSource("currentSchemas")
    void currentSchemaReadsEveryReleasedVersion(final Schema current) {
        final List<Schema> released = ReleasedSchemas.of(current.getName());
        assertThat(released).as("released versions of %s", current.getName()).isNotEmpty();
        for (final Schema writer : released) {
            final var result = SchemaCompatibility.checkReaderWriterCompatibility(current, writer);
            assertThat(result.getType())
                .as("%s cannot read released version %s: %s", current.getName(), writer, result.getDescription())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @ParameterizedTest
    @MethodSource("currentSchemas")
    void currentSchemaIsTheNewestReleasedVersion(final Schema current) {
        final List<Schema> released = ReleasedSchemas.of(current.getName());
        final Schema newest = released.get(released.size() - 1);
        assertThat(SchemaNormalization.parsingFingerprint64(current))
            .as("%s changed: add it as released/%s/v%d.avsc (the compatibility test then checks it)",
                current.getName(), current.getName(), released.size() + 1)
            .isEqualTo(SchemaNormalization.parsingFingerprint64(newest));
    }

    @Test
    void aFieldAddedWithoutADefaultIsReportedIncompatible() {
        final Schema old = RequestOutcome.getClassSchema();
        final String json = old.toString().replace(
            "{\"name\":\"router_instance\"",
            "{\"name\":\"tenant\",\"type\":\"string\"},{\"name\":\"router_instance\"");
        final Schema broken = new Schema.Parser().parse(json);

        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(broken, old).getType())
            .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }
}
