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
package org.asynccassandra.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.asynccassandra.testkit.ModulePathProgram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small named module that requires {@code org.asynccassandra.vertx} and {@code io.vertx.core}, as a Vert.x
 * application's module does, run with {@code java --module-path ... -m} on this module's packaged jar and its
 * runtime dependencies (the testkit's {@link ModulePathProgram}; no Cassandra). The adapter is an automatic module
 * (its manifest's Automatic-Module-Name); Vert.x 5's io.vertx.core is an explicit one, which an automatic module
 * cannot require, so the application requires it itself. See this module's pom.
 */
class ModulePathIT {
  private static final String MAIN = """
      package example.app;

      import io.vertx.core.Context;
      import io.vertx.core.Vertx;
      import java.util.concurrent.CompletableFuture;
      import org.asynccassandra.vertx.CassandraReadStream;

      public final class Main {
        public static void main(String[] args) throws Exception {
          Module adapter = CassandraReadStream.class.getModule();
          System.out.println("module: " + adapter.getName()
              + (adapter.getDescriptor().isAutomatic() ? " (automatic)" : " (explicit)"));
          System.out.println("vertx module: " + Vertx.class.getModule().getName()
              + (Vertx.class.getModule().getDescriptor().isAutomatic() ? " (automatic)" : " (explicit)"));
          Vertx vertx = Vertx.vertx();
          try {
            Context context = vertx.getOrCreateContext();
            CompletableFuture<Boolean> ran = new CompletableFuture<>();
            CassandraReadStream.executor(context).execute(() -> ran.complete(Vertx.currentContext() == context));
            System.out.println("task ran on the context: " + ran.get());
          } finally {
            vertx.close().await();
          }
        }
      }
      """;

  @TempDir Path work;

  @Test
  void should_run_a_vertx_module_that_requires_org_asynccassandra_vertx_on_the_module_path() throws Exception {
    ModulePathProgram.Result result = ModulePathProgram.builder("example.app").requires("org.asynccassandra.vertx")
        .requires("io.vertx.core").mainClass("example.app.Main", MAIN)
        .modulePath(ModulePathProgram.recordedModulePath()).build().run(work);
    assertThat(result.exitCode()).as("exit code of %s, output:%n%s", result.command(), result.output()).isZero();
    assertThat(result.lines()).as(result.output()).contains(
        "module: org.asynccassandra.vertx (automatic)",
        "vertx module: io.vertx.core (explicit)",
        "task ran on the context: true");
  }
}
