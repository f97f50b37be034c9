package dev.switchboard.routing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.switchboard.common.testing.PublicOnlyWhenUsed;

/** The routing core (table, strategies, health, outcomes) is plain Java: HTTP, Spring and Kafka stay at the edges. */
@AnalyzeClasses(packages = "dev.switchboard.routing", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    @ArchTest
    static final ArchRule coreImportsOnlyJavaAndTheEvents = classes()
        .that().resideInAnyPackage("..routing.table..", "..routing.strategy..", "..routing.health..",
            "..routing.outcome..", "..routing.failover..", "..routing.shadow..", "..routing.rollout..",
            "..routing.governance..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax.crypto..", "dev.switchboard.events..",
            "dev.switchboard.schemas", "dev.switchboard.routing.table..", "dev.switchboard.routing.strategy..",
            "dev.switchboard.routing.health..", "dev.switchboard.routing.outcome..", "dev.switchboard.routing.failover..",
            "org.apache.commons.codec.digest..", "dev.switchboard.routing.shadow..",
            "org.apache.commons.text.similarity..", "dev.switchboard.rollout..", "dev.switchboard.routing.rollout..",
            "org.jspecify.annotations..", "dev.switchboard.routing.governance..",
            "org.apache.maven.artifact.versioning..")
        .because("the routing core must be testable and reusable without Spring, HTTP or Kafka");

    @ArchTest
    static final ArchRule notificationsKnowNoSpringNorKafka = noClasses()
        .that().resideInAPackage("..routing.notify..")
        .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.apache.kafka..")
        .because("what a channel receives, and how it is signed, is tested without a broker or a context");

    @ArchTest
    static final ArchRule packagesFormNoCycles = slices().matching("dev.switchboard.routing.(*)..")
        .should().beFreeOfCycles()
        .because("a package that needs another must not be needed by it: layering is a decision");

    /** A class is public only when another package uses it. */
    @ArchTest
    static final ArchRule classesArePublicOnlyWhenAnotherPackageUsesThem = classes().should(
        // WebhookSignature: what a webhook's receiver checks, as the tests' receivers do.
        PublicOnlyWhenUsed.exceptFor("WebhookSignature"));
}
