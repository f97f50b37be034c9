package dev.switchboard.common.testing;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * The services' layering rule that a class is public only when another package uses it (or one of its nested
 * types, or takes or returns it from a call): what a package does not export, a reader need not look for
 * elsewhere. Applications, started from outside, are public by nature; {@code usedFromElsewhere} names the classes
 * only other modules or other packages' tests use, which the rule cannot see.
 */
public final class PublicOnlyWhenUsed extends ArchCondition<JavaClass> {

    private final Set<String> usedFromElsewhere;
    private final Set<String> usedByAnotherPackage = new HashSet<>();

    private PublicOnlyWhenUsed(final Set<String> usedFromElsewhere) {
        super("be public only when another package uses them");
        this.usedFromElsewhere = Set.copyOf(usedFromElsewhere);
    }

    /** @param usedFromElsewhere simple names of classes used only by other modules or tests; say why at the call */
    public static PublicOnlyWhenUsed exceptFor(final String... usedFromElsewhere) {
        return new PublicOnlyWhenUsed(Set.of(usedFromElsewhere));
    }

    @Override
    public void init(final Collection<JavaClass> all) {
        for (final JavaClass origin : all) {
            for (final Dependency use : origin.getDirectDependenciesFromSelf()) {
                markUse(origin, use.getTargetClass());
            }
            // A type met only as what a called method returns or takes must be accessible too.
            for (final JavaCall<?> call : origin.getCodeUnitCallsFromSelf()) {
                markUse(origin, call.getTarget().getRawReturnType());
                call.getTarget().getRawParameterTypes().forEach(parameter -> markUse(origin, parameter));
            }
        }
    }

    @Override
    public void check(final JavaClass type, final ConditionEvents events) {
        if (type.getModifiers().contains(JavaModifier.PUBLIC) && type.isTopLevelClass()
            && !type.getSimpleName().endsWith("Application") && !usedByAnotherPackage.contains(type.getName())
            && !usedFromElsewhere.contains(type.getSimpleName())) {
            events.add(SimpleConditionEvent.violated(type, type.getName()
                + " is public but only its own package uses it: make it package-private"));
        }
    }

    private void markUse(final JavaClass origin, final JavaClass type) {
        final JavaClass target = topLevel(type.getBaseComponentType());
        if (!target.getPackageName().equals(origin.getPackageName())) {
            usedByAnotherPackage.add(target.getName());
        }
    }

    private static JavaClass topLevel(final JavaClass type) {
        return type.getEnclosingClass().map(PublicOnlyWhenUsed::topLevel).orElse(type);
    }
}
