package dev.mre.e2e;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.conditions.ArchPredicates.is;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.LocationProvider;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.mre.e2e.cluster.ClusterTest;
import dev.mre.e2e.gitops.support.GitOpsTest;
import dev.mre.e2e.harness.Pacing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;

/**
 * Build checks of the test code (run by every ./mvnw verify, no cluster needed):
 * <ul>
 *   <li>no fixed sleeps of Thread or TimeUnit anywhere in the tests (a test waits on a condition with Awaitility or
 *       {@code Conditions}; a wait whose length is the point goes through {@link Pacing}, which uses Awaitility);</li>
 *   <li>the areas' class names, run order and display names agree: {@code A<nn>...Test} (e2e),
 *       {@code G<nn>...Test} (gitops-e2e) and {@code C<nn>...Test} (cluster-e2e) have {@code @Order(nn)} and a display
 *       name starting with {@code A<nn> } / {@code G<nn> } / {@code C<nn> }.</li>
 * </ul>
 */
@AnalyzeClasses(
        packages = "dev.mre.e2e",
        locations = HarnessRulesTest.EveryModulesTests.class,
        importOptions = ImportOption.OnlyIncludeTests.class)
class HarnessRulesTest {

    /**
     * The test classes of every module, not only this one's: e2e/suite is built last in the reactor, so one rule
     * here covers the operator's and the emulator's tests too (a missing folder, in a build of this module alone, is
     * skipped).
     */
    static final class EveryModulesTests implements LocationProvider {
        @Override
        public Set<Location> get(Class<?> testClass) {
            Path suite = Path.of("").toAbsolutePath();
            return Stream.of("../../operator/target/test-classes", "../ses-emulator/target/test-classes")
                    .map(suite::resolve)
                    .map(Path::normalize)
                    .filter(Files::isDirectory)
                    .map(p -> Location.of(p.toUri()))
                    .collect(Collectors.toSet());
        }
    }

    /** In every module's tests: the operator's, the emulator's, the suites'. */
    @ArchTest
    static final ArchRule no_fixed_sleeps = noClasses()
            .should()
            .callMethodWhere(target(name("sleep"))
                    .and(target(is(owner(describe(
                            "Thread or TimeUnit",
                            o -> o.isEquivalentTo(Thread.class) || o.isEquivalentTo(TimeUnit.class)))))))
            .because(
                    "a test waits on a condition (Awaitility, Conditions), not for a fixed time; a wait whose length is"
                            + " the point (a measurement window, a chaos schedule, a retry backoff) goes through Pacing.pause");

    @ArchTest
    static final ArchRule e2e_areas_agree_in_name_order_and_display_name = areasOf(E2eTest.class, 'A');

    @ArchTest
    static final ArchRule gitops_areas_agree_in_name_order_and_display_name = areasOf(GitOpsTest.class, 'G');

    @ArchTest
    static final ArchRule cluster_areas_agree_in_name_order_and_display_name = areasOf(ClusterTest.class, 'C');

    /**
     * The areas of a suite (subclasses of {@code base}) are named {@code <letter><nn>...Test}, in @Order(nn), and so
     * displayed; programs on the same base ({@code ...Run}, e.g. a benchmark) are not areas.
     */
    private static ArchRule areasOf(Class<?> base, char letter) {
        Pattern area = Pattern.compile(letter + "(\\d\\d)[A-Z]\\w*Test");
        return classes()
                .that()
                .areAssignableTo(base)
                .and()
                .doNotHaveFullyQualifiedName(base.getName())
                .and()
                .haveSimpleNameNotEndingWith("Run")
                .should(
                        new ArchCondition<JavaClass>("be named " + letter
                                + "<nn>...Test with @Order(nn) and @DisplayName(\"" + letter + "<nn> ...\")") {
                            @Override
                            public void check(JavaClass c, ConditionEvents events) {
                                Matcher m = area.matcher(c.getSimpleName());
                                String problem = null;
                                if (!m.matches()) {
                                    problem = "is not named " + letter + "<two digits><Area>Test";
                                } else {
                                    int no = Integer.parseInt(m.group(1));
                                    String prefix = letter + m.group(1) + " ";
                                    if (!c.isAnnotatedWith(Order.class)
                                            || c.getAnnotationOfType(Order.class)
                                                            .value()
                                                    != no) {
                                        problem = "has no @Order(" + no + ")";
                                    } else if (!c.isAnnotatedWith(DisplayName.class)
                                            || !c.getAnnotationOfType(DisplayName.class)
                                                    .value()
                                                    .startsWith(prefix)) {
                                        problem = "has no @DisplayName starting with \"" + prefix + "\"";
                                    }
                                }
                                events.add(new SimpleConditionEvent(
                                        c,
                                        problem == null,
                                        c.getName() + " " + (problem == null ? "agrees" : problem)));
                            }
                        });
    }
}
