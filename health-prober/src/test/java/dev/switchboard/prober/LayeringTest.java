package dev.switchboard.prober;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import dev.switchboard.common.testing.PublicOnlyWhenUsed;
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

    @ArchTest
    static final ArchRule packagesFormNoCycles = slices().matching("dev.switchboard.prober.(*)..")
        .should().beFreeOfCycles()
        .because("a package that needs another must not be needed by it: layering is a decision");

    /** A class is public only when another package uses it. */
    @ArchTest
    static final ArchRule classesArePublicOnlyWhenAnotherPackageUsesThem = classes().should(
        PublicOnlyWhenUsed.exceptFor());
}
