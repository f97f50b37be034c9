package dev.switchboard.prober;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Probing, scheduling and the health state machine are plain Java; Spring and Kafka are wired in by the configuration at the edge. */
@AnalyzeClasses(packages = "dev.switchboard.prober", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    @ArchTest
    static final ArchRule coreKnowsNoFrameworks = noClasses()
        .that().resideInAnyPackage("..prober.probe..", "..prober.schedule..", "..prober.health..")
        .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.apache.kafka..",
            "dev.switchboard.common..");
}
