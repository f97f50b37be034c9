package dev.switchboard.stats;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import dev.switchboard.common.testing.PublicOnlyWhenUsed;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The fold (DailyStats) is plain Java; topologies use Kafka Streams but never Spring, so tests drive the same
 * topology method under TopologyTestDriver that the app runs.
 */
@AnalyzeClasses(packages = {"dev.switchboard.stats", "dev.switchboard.rollout"}, importOptions = ImportOption.DoNotIncludeTests.class)
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

    @ArchTest
    static final ArchRule packagesFormNoCycles = slices().matching("dev.switchboard.stats.(*)..")
        .should().beFreeOfCycles()
        .because("a package that needs another must not be needed by it: layering is a decision");

    @ArchTest
    static final ArchRule streamsInternalsStayFenced = noClasses()
        .that().doNotHaveSimpleName("FoldingWindowStore")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka.streams..internals..")
        .because("Kafka Streams' internals change without notice: one class may lean on them, and says why");

    @ArchTest
    static final ArchRule experimentRolloutAndAlertCoresArePlainJava = noClasses()
        .that().resideInAnyPackage("dev.switchboard.stats.experiment", "dev.switchboard.stats.experiment.adaptive",
            "dev.switchboard.rollout", "dev.switchboard.stats.alert")
        .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.apache.kafka..");

    /** A class is public only when another package uses it. */
    @ArchTest
    static final ArchRule classesArePublicOnlyWhenAnotherPackageUsesThem = classes().should(
        // SampleSize: the end-to-end calibration test computes the sample the documentation promises;
        // Replay: StatsClusterIT checks a replay against the live stores.
        PublicOnlyWhenUsed.exceptFor("SampleSize", "Replay"));
}
