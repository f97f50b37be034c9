package dev.switchboard.stats;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The fold (DailyStats) is plain Java; topologies use Kafka Streams but never Spring, so tests drive the same
 * topology method under TopologyTestDriver that the app runs.
 */
@AnalyzeClasses(packages = "dev.switchboard.stats", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    @ArchTest
    static final ArchRule statisticsKnowNoFrameworks = noClasses()
        .that().haveSimpleName("DailyStats").or().haveSimpleName("LateOutcomes")
        .or().haveSimpleName("ShadowPairStats").or().haveSimpleName("ShadowDayStats")
        .or().resideInAnyPackage("..stats.sketch..", "..stats.experiment", "..stats.canary..")
        .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.apache.kafka..");

    @ArchTest
    static final ArchRule topologiesKnowNoSpring = noClasses()
        .that().resideInAnyPackage("..stats.daily..", "..stats.shadow..", "..stats.experiment..", "..stats.rollout..")
        .should().dependOnClassesThat().resideInAnyPackage("org.springframework..");
}
