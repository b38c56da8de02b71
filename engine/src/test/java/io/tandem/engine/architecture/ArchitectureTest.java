package io.tandem.engine.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.tandem.engine.storage.ChannelFileSystem;
import io.tandem.engine.storage.FaultPolicy;
import io.tandem.engine.storage.MemoryFileSystem;
import io.tandem.engine.storage.NativeCalls;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.RandomAccessFile;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Random;
import java.util.Timer;

/**
 * The engine core is deterministic (STYLE.md "Engine"): events in, effects out. It does its I/O
 * through {@code io.tandem.engine.storage}'s interfaces only, and takes time and randomness from its
 * caller, so a simulation can drive it from one seed.
 */
@AnalyzeClasses(packages = "io.tandem.engine", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  /** Every package of the deterministic core; a new core package is added here. */
  static final String[] CORE_PACKAGES = {
      "io.tandem.engine.metadata..",
      "io.tandem.engine.bitmap..",
      "io.tandem.engine.activitylog..",
      "io.tandem.engine.core..",
      "io.tandem.engine.generation..",
      "io.tandem.engine.wire..",
  };

  @ArchTest
  static final ArchRule coreUsesNoThreadsFilesChannelsOrSockets = noClasses()
      .that().resideInAnyPackage(CORE_PACKAGES)
      .should().dependOnClassesThat().resideInAnyPackage(
          "java.nio.file..", "java.nio.channels..", "java.net..", "java.util.concurrent..", "com.sun.jna..")
      .orShould().dependOnClassesThat().belongToAnyOf(Thread.class, ThreadGroup.class, Timer.class,
          File.class, FileInputStream.class, FileOutputStream.class, RandomAccessFile.class,
          Clock.class, SecureRandom.class)
      .because("the core is driven by events and does I/O through the storage interface only");

  @ArchTest
  static final ArchRule coreReadsNoClock = noClasses()
      .that().resideInAnyPackage(CORE_PACKAGES)
      .should().callMethod(System.class, "currentTimeMillis")
      .orShould().callMethod(System.class, "nanoTime")
      .orShould().callMethodWhere(named("now", "java.time"))
      .because("time comes from the caller (a simulated clock in the simulation)");

  @ArchTest
  static final ArchRule coreTakesNoUnseededRandomness = noClasses()
      .that().resideInAnyPackage(CORE_PACKAGES)
      .should().callConstructor(Random.class)
      .orShould().callMethod(Math.class, "random")
      .because("randomness comes from a seeded Random the caller passes in");

  @ArchTest
  static final ArchRule coreKnowsOnlyTheStorageInterfaces = noClasses()
      .that().resideInAnyPackage(CORE_PACKAGES)
      .should().dependOnClassesThat().belongToAnyOf(ChannelFileSystem.class, MemoryFileSystem.class,
          NativeCalls.class, FaultPolicy.class)
      .because("the real and the crashable file system must be interchangeable");

  @ArchTest
  static final ArchRule coreDoesNotKnowTheEdges = noClasses()
      .that().resideInAnyPackage(CORE_PACKAGES)
      .should().dependOnClassesThat().resideInAnyPackage(
          "io.tandem.engine.volume..", "io.tandem.engine.runtime..", "io.tandem.engine.runner..",
          "io.tandem.engine.nbd..")
      .because("the edges perform the core's effects; the core only describes them");

  private static DescribedPredicate<JavaCall<?>> named(String methodName, String packagePrefix) {
    return DescribedPredicate.describe(methodName + "() of " + packagePrefix,
        call -> call.getName().equals(methodName)
            && call.getTargetOwner().getPackageName().startsWith(packagePrefix));
  }
}
