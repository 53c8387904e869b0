/*
 * Copyright 2026 The async-cassandra authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package org.asynccassandra.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.asynccassandra.testkit.ModulePathProgram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles a small named module that {@code requires org.asynccassandra} against core's packaged jar, and
 * runs it with {@code java --module-path ... -m} (the testkit's {@link ModulePathProgram}): core's jar and its
 * runtime dependencies are all on the module path, nothing on the class path. Core is an automatic module (its
 * manifest's Automatic-Module-Name) because the driver it needs has no stable module name; see core's pom.
 */
class ModulePathIT {
  private static final String MAIN = """
      package example.app;

      import java.lang.reflect.Method;
      import java.nio.ByteBuffer;
      import org.asynccassandra.AsyncSession;
      import org.asynccassandra.ResumeToken;
      import org.asynccassandra.StreamConfig;

      public final class Main {
        public static void main(String[] args) throws Exception {
          Module core = AsyncSession.class.getModule();
          System.out.println("core module: " + core.getName()
              + (core.getDescriptor().isAutomatic() ? " (automatic)" : " (explicit)"));
          for (Method method : AsyncSession.class.getMethods()) {
            if (method.getName().equals("wrap")) {
              System.out.println("driver module: " + method.getParameterTypes()[0].getModule().getName());
              break;
            }
          }
          ResumeToken token = ResumeToken.of(new byte[16], ByteBuffer.wrap(new byte[] {1, 2, 3}), 7, false);
          System.out.println("resume token round trip: " + ResumeToken.decode(token.encode()).equals(token));
          System.out.println("prefetch pages: " + StreamConfig.builder().prefetchPages(2).build().prefetchPages());
          System.out.println("internal packages exported: " + core.isExported("org.asynccassandra.internal.stream"));
        }
      }
      """;

  /** Touches the driver the way every application does first: a session builder and the default configuration. */
  private static final String DRIVER_MAIN = """
      package example.app;

      import com.datastax.oss.driver.api.core.CqlSession;
      import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
      import com.datastax.oss.driver.api.core.config.DriverConfigLoader;

      public final class Main {
        public static void main(String[] args) {
          System.out.println("builder: " + CqlSession.builder().getClass().getSimpleName());
          try (DriverConfigLoader config = DriverConfigLoader.fromDefaults(Main.class.getClassLoader())) {
            System.out.println("request timeout: "
                + config.getInitialConfig().getDefaultProfile().getDuration(DefaultDriverOption.REQUEST_TIMEOUT));
          }
        }
      }
      """;

  /** Maps to a public record of a package its module exports and does not open. */
  private static final String RECORD_MAIN = """
      package example.app;

      import org.asynccassandra.RowMapper;

      public final class Main {
        public record User(int id, String name) {}

        public static void main(String[] args) {
          System.out.println("record mapper: " + RowMapper.record(User.class));
        }
      }
      """;

  @TempDir Path work;

  @Test
  void should_run_a_module_that_requires_org_asynccassandra_on_the_module_path() throws Exception {
    ModulePathProgram.Result result = ModulePathProgram.builder("example.app").requires("org.asynccassandra")
        .mainClass("example.app.Main", MAIN).modulePath(ModulePathProgram.recordedModulePath()).build().run(work);
    String output = result.output();
    assertThat(result.exitCode()).as("exit code of %s, output:%n%s", result.command(), output).isZero();
    assertThat(output.lines()).contains(
        "core module: org.asynccassandra (automatic)",
        "resume token round trip: true",
        "prefetch pages: 2");
    // The driver resolves from the module path under the name derived from its file name. When it has a
    // stable name again, core can get a module-info.java that exports only org.asynccassandra, and the
    // last line below turns false.
    assertThat(output.lines()).as(output).contains(
        "driver module: java.driver.core",
        "internal packages exported: true");
  }

  @Test
  void should_need_the_drivers_explicit_module_dependencies_added_on_the_module_path() throws Exception {
    // Core and the driver are automatic modules, which declare no 'requires': the driver's dependencies that are
    // explicit modules (slf4j-api's org.slf4j, the shaded Guava, Jackson 2, ASM) resolve only when something
    // requires them. An application adds them, e.g. with --add-modules ALL-MODULE-PATH; without, the driver fails
    // at its first class that logs.
    // Requiring core is enough to read the driver: an automatic module reads, and passes on, every other one.
    ModulePathProgram.Builder program = ModulePathProgram.builder("example.app").requires("org.asynccassandra")
        .mainClass("example.app.Main", DRIVER_MAIN)
        .modulePath(ModulePathProgram.recordedModulePath());

    ModulePathProgram.Result alone = program.build().run(work.resolve("alone"));
    assertThat(alone.exitCode()).as(alone.output()).isNotZero();
    assertThat(alone.output()).contains("java.lang.NoClassDefFoundError: org/slf4j/LoggerFactory");

    ModulePathProgram.Result added = program.javaOptions("--add-modules", "ALL-MODULE-PATH").build()
        .run(work.resolve("added"));
    assertThat(added.exitCode()).as("exit code of %s, output:%n%s", added.command(), added.output()).isZero();
    assertThat(added.lines()).as(added.output()).contains("builder: CqlSessionBuilder", "request timeout: PT2S");
  }

  @Test
  void should_map_to_a_public_record_of_a_package_exported_and_not_opened() throws Exception {
    // The mapper asked for a private lookup, which needs the package opened to it, and refused such a record,
    // asking whether it was public.
    for (String exports : List.of("example.app", "example.app to org.asynccassandra")) {
      ModulePathProgram.Result result = ModulePathProgram.builder("example.app").requires("org.asynccassandra")
          .exports(exports).mainClass("example.app.Main", RECORD_MAIN)
          .modulePath(ModulePathProgram.recordedModulePath()).build().run(work.resolve(exports.replace(' ', '_')));
      assertThat(result.exitCode()).as("exports %s: exit code of %s, output:%n%s", exports, result.command(),
          result.output()).isZero();
      assertThat(result.lines()).contains("record mapper: RowMapper.record(example.app.Main$User)");
    }
  }
}
