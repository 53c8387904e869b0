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
package org.asynccassandra.values;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.asynccassandra.testkit.ModulePathProgram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small named module that requires {@code org.asynccassandra.values}, run with {@code java --module-path ... -m}
 * on this module's packaged jar and its runtime dependencies (the testkit's {@link ModulePathProgram}; no
 * Cassandra). The module is automatic (its manifest's Automatic-Module-Name), so it declares no {@code requires};
 * jackson-core 3 and FastCSV are explicit modules, which resolve only when something requires them. An
 * application therefore requires them too, or adds them with {@code --add-modules}; without, the writers fail.
 * See this module's pom.
 */
class ModulePathIT {
  private static final String MAIN = """
      package example.app;

      import java.io.StringWriter;
      import org.asynccassandra.values.RowWriter;

      public final class Main {
        public static void main(String[] args) throws Exception {
          Module values = RowWriter.class.getModule();
          System.out.println("module: " + values.getName()
              + (values.getDescriptor().isAutomatic() ? " (automatic)" : " (explicit)"));
          StringWriter out = new StringWriter();
          try (RowWriter ndjson = RowWriter.ndjson(out)) {
            ndjson.flush();
          }
          try (RowWriter csv = RowWriter.csv(out)) {
            csv.flush();
          }
          System.out.println("writers: ndjson and csv");
        }
      }
      """;

  @TempDir Path work;

  private ModulePathProgram.Builder program() {
    return ModulePathProgram.builder("example.app").requires("org.asynccassandra.values")
        .mainClass("example.app.Main", MAIN).modulePath(ModulePathProgram.recordedModulePath());
  }

  @Test
  void should_run_a_module_that_requires_org_asynccassandra_values_with_its_explicit_dependencies_added()
      throws Exception {
    ModulePathProgram.Result result = program().javaOptions("--add-modules", "tools.jackson.core,de.siegmar.fastcsv")
        .build().run(work);
    assertThat(result.exitCode()).as("exit code of %s, output:%n%s", result.command(), result.output()).isZero();
    assertThat(result.lines()).as(result.output()).contains(
        "module: org.asynccassandra.values (automatic)",
        "writers: ndjson and csv");
  }

  @Test
  void should_not_resolve_jackson_for_a_module_that_requires_org_asynccassandra_values_alone() throws Exception {
    // The limit of an automatic module: when values gets a module-info.java that requires tools.jackson.core
    // (once the driver has a stable module name, see core's pom), this run succeeds and the pom's note goes.
    ModulePathProgram.Result result = program().build().run(work);
    assertThat(result.lines()).as(result.output()).contains("module: org.asynccassandra.values (automatic)");
    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.output()).contains("java.lang.NoClassDefFoundError: tools/jackson/core/");
  }
}
