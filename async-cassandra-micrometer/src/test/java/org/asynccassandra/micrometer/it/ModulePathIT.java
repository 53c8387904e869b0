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
package org.asynccassandra.micrometer.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.asynccassandra.testkit.ModulePathProgram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small named module that requires {@code org.asynccassandra.micrometer} and nothing else, run with
 * {@code java --module-path ... -m} on this module's packaged jar and its runtime dependencies (the testkit's
 * {@link ModulePathProgram}; no Cassandra). The adapter is an automatic module (its manifest's
 * Automatic-Module-Name), and so are Micrometer's jars: requiring the adapter resolves them and makes them readable.
 */
class ModulePathIT {
  private static final String MAIN = """
      package example.app;

      import io.micrometer.core.instrument.Tags;
      import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
      import org.asynccassandra.StreamListener;
      import org.asynccassandra.micrometer.AsyncCassandraMetrics;

      public final class Main {
        public static void main(String[] args) {
          Module adapter = AsyncCassandraMetrics.class.getModule();
          System.out.println("module: " + adapter.getName()
              + (adapter.getDescriptor().isAutomatic() ? " (automatic)" : " (explicit)"));
          StreamListener listener = AsyncCassandraMetrics.listener(new SimpleMeterRegistry(), Tags.of("app", "example"));
          System.out.println("listener from module: " + listener.getClass().getModule().getName());
          System.out.println("micrometer module: " + SimpleMeterRegistry.class.getModule().getName());
        }
      }
      """;

  @TempDir Path work;

  @Test
  void should_run_a_module_that_requires_org_asynccassandra_micrometer_on_the_module_path() throws Exception {
    // With --add-modules ALL-MODULE-PATH, as README says of every automatic module of ours: the adapter logs
    // through org.slf4j (an explicit module, which an automatic one's lack of 'requires' does not resolve).
    ModulePathProgram.Result result = ModulePathProgram.builder("example.app").requires("org.asynccassandra.micrometer")
        .mainClass("example.app.Main", MAIN).modulePath(ModulePathProgram.recordedModulePath())
        .javaOptions("--add-modules", "ALL-MODULE-PATH").build().run(work);
    assertThat(result.exitCode()).as("exit code of %s, output:%n%s", result.command(), result.output()).isZero();
    assertThat(result.lines()).as(result.output()).contains(
        "module: org.asynccassandra.micrometer (automatic)",
        "listener from module: org.asynccassandra.micrometer",
        "micrometer module: micrometer.core");
  }
}
