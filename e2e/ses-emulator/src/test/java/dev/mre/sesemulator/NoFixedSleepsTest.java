package dev.mre.sesemulator;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.conditions.ArchPredicates.is;
import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.concurrent.TimeUnit;

/**
 * A build check: no test of this module waits a fixed time. A test waits on a condition (Awaitility), never for a
 * fixed time: a fixed sleep is too short on a slow machine and wasted time on a fast one. The same class, with this
 * module's package, serves any module.
 */
@AnalyzeClasses(packages = "dev.mre.sesemulator", importOptions = ImportOption.OnlyIncludeTests.class)
class NoFixedSleepsTest {

    @ArchTest
    static final ArchRule tests_wait_on_conditions_not_on_time = noClasses()
            .should().callMethodWhere(target(name("sleep")).and(target(is(owner(describe("Thread or TimeUnit",
                    o -> o.isEquivalentTo(Thread.class) || o.isEquivalentTo(TimeUnit.class)))))))
            .because("a test waits on a condition (Awaitility), not for a fixed time");
}
