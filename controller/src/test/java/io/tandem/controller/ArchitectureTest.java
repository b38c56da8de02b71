package io.tandem.controller;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;
import jakarta.persistence.Entity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.data.repository.Repository;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.RestController;

/**
 * The shape of the controller (STYLE.md "controller", package-info of {@code io.tandem.controller}):
 * feature packages own their entities, repositories, services and endpoints; {@code rest} holds the
 * wire rules they share and knows none of them; services are the transaction boundary.
 */
@AnalyzeClasses(packages = "io.tandem.controller", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String ROOT = "io.tandem.controller";
    private static final List<String> FEATURES = List.of("node", "pool", "group", "resource", "kvstore",
            "errorreport", "cluster", "satellite");

    /**
     * The only dependencies one feature package may have on another. Everything else goes
     * through {@code rest} or not at all; adding an edge here is a design decision.
     */
    private static final Map<String, Set<String>> ALLOWED_FEATURE_DEPENDENCIES = Map.of(
            "pool", Set.of("node"), // a storage pool lives on a node
            // a resource definition belongs to a group; a resource lives on a node, its volumes in pools
            "resource", Set.of("group", "node", "pool"),
            "errorreport", Set.of("cluster"), // a report names the controller that wrote it
            // the link reads nodes, pools and resources for the desired state, and confirms removals
            "satellite", Set.of("node", "pool", "resource", "cluster"));

    private static String pkg(String feature) {
        return ROOT + "." + feature + "..";
    }

    // ---- packages and their dependencies ----

    @ArchTest
    static final ArchRule restKnowsNoFeature = noClasses()
            .that().resideInAPackage(pkg("rest"))
            .should().dependOnClassesThat().resideInAnyPackage(FEATURES.stream().map(ArchitectureTest::pkg)
                    .toArray(String[]::new))
            .because("rest holds the wire rules every feature shares, so it cannot depend on any of them");

    @ArchTest
    static final ArchRule packagesAreFreeOfCycles = slices()
            .matching(ROOT + ".(*)..")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule nodeKnowsNoPool = noClasses()
            .that().resideInAPackage(pkg("node"))
            .should().dependOnClassesThat().resideInAPackage(pkg("pool"))
            .because("pools live on nodes, not the reverse");

    @ArchTest
    static void featuresDependOnlyOnTheAllowedFeatures(JavaClasses classes) {
        for (String feature : FEATURES) {
            Set<String> allowed = ALLOWED_FEATURE_DEPENDENCIES.getOrDefault(feature, Set.of());
            String[] forbidden = FEATURES.stream()
                    .filter(other -> !other.equals(feature) && !allowed.contains(other))
                    .map(ArchitectureTest::pkg)
                    .toArray(String[]::new);
            noClasses().that().resideInAPackage(pkg(feature))
                    .should().dependOnClassesThat().resideInAnyPackage(forbidden)
                    .because("the allowed feature dependencies are listed in ALLOWED_FEATURE_DEPENDENCIES")
                    .check(classes);
        }
    }

    @ArchTest
    static final ArchRule restUsesNoPersistence = noClasses()
            .that().resideInAPackage(pkg("rest"))
            .should().dependOnClassesThat().areAnnotatedWith(Entity.class)
            .orShould().dependOnClassesThat().areAssignableTo(Repository.class)
            .orShould().dependOnClassesThat().resideInAPackage("jakarta.persistence..")
            .because("rest is the wire format; persistence belongs to the features");

    // ---- endpoints, services, repositories ----

    @ArchTest
    static final ArchRule endpointsUseServicesNotPersistence = noClasses()
            .that().areAnnotatedWith(RestController.class)
            .should().dependOnClassesThat().areAssignableTo(Repository.class)
            .orShould().dependOnClassesThat().areAnnotatedWith(Entity.class)
            .orShould().dependOnClassesThat().resideInAPackage("jakarta.persistence..")
            .because("an endpoint calls its service (the transaction boundary) and speaks DTOs");

    @ArchTest
    static final ArchRule onlyServicesUseRepositories = noClasses()
            .that().areNotAnnotatedWith(Service.class)
            .and().areNotAssignableTo(Repository.class)
            .should().dependOnClassesThat().areAssignableTo(Repository.class)
            .because("services are the transaction boundary; nothing else reads or writes the database");

    @ArchTest
    static final ArchRule repositoriesArePackagePrivate = classes()
            .that().areAssignableTo(Repository.class).and().resideInAPackage(ROOT + "..")
            .should().notBePublic()
            .because("a feature's tables are reached through its service, never from another feature");

    @ArchTest
    static final ArchRule endpointsArePackagePrivate = classes()
            .that().areAnnotatedWith(RestController.class)
            .should().notBePublic()
            .because("nothing calls an endpoint class but Spring");

    @ArchTest
    static final ArchRule transactionsStartInServices = methods()
            .that().areAnnotatedWith(Transactional.class)
            .should().beDeclaredInClassesThat().areAnnotatedWith(Service.class)
            .because("services are the transaction boundary");

    @ArchTest
    static final ArchRule noTransactionalClasses = noClasses()
            .that().areNotAnnotatedWith(Service.class)
            .should().beAnnotatedWith(Transactional.class)
            .because("services are the transaction boundary");

    @ArchTest
    static final ArchRule noFieldInjection = GeneralCodingRules.NO_CLASSES_SHOULD_USE_FIELD_INJECTION
            .because("dependencies come through the constructor (spring-petclinic style)");

    // ---- Jackson: the wire rules live in Jackson 3's mapper ----

    @ArchTest
    static final ArchRule wireTypesUseJackson3 = noClasses()
            .that(describe("are not ApiDescription (which reads openapi.yaml with swagger-core's Jackson 2 mapper)",
                    (JavaClass c) -> !c.getName().equals(ROOT + ".cluster.ApiDescription")))
            .should().dependOnClassesThat().resideInAnyPackage("com.fasterxml.jackson.databind..",
                    "com.fasterxml.jackson.core..")
            .because("Spring Boot 4 serialises with Jackson 3 (tools.jackson); a Jackson 2 databind annotation or"
                    + " ObjectMapper would silently bypass the LINSTOR wire rules in WireConfiguration");

    // ---- names ----

    @ArchTest
    static final ArchRule noGrabBagNames = noClasses()
            .should().haveSimpleNameEndingWith("Manager")
            .orShould().haveSimpleNameEndingWith("Helper")
            .orShould().haveSimpleNameEndingWith("Util")
            .orShould().haveSimpleNameEndingWith("Utils")
            .orShould().haveSimpleNameEndingWith("Impl")
            .because("STYLE.md: no Manager/Helper/Util grab-bags, no Impl without a second implementation");

    @ArchTest
    static final ArchRule noLayerPackages = noClasses()
            .should().resideInAnyPackage("..controllers..", "..services..", "..service..", "..repositories..",
                    "..repository..", "..entities..", "..entity..", "..dto..", "..util..", "..utils..")
            .because("packages are features (node, pool, ...), not layers");

    // ---- every package says what it owns ----

    @ArchTest
    static void everyPackageHasAPackageInfo(JavaClasses classes) throws IOException {
        // javac writes no package-info.class for a Javadoc-only package-info.java, so look at the sources
        Set<String> packages = new TreeSet<>();
        classes.forEach(c -> packages.add(c.getPackageName()));
        List<String> missing = new ArrayList<>();
        for (String name : packages) {
            Path info = Path.of("src/main/java", name.replace('.', '/'), "package-info.java");
            if (!Files.isRegularFile(info) || !Files.readString(info).contains("/**")) {
                missing.add(name);
            }
        }
        assertThat(missing).as("packages without a package-info.java that states what they own").isEmpty();
    }
}
