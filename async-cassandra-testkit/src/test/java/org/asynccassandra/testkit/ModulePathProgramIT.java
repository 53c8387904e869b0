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
package org.asynccassandra.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ModulePathProgram} compiles and runs a real module in a child JVM: cheap, but a process, so an IT. */
class ModulePathProgramIT {
  @TempDir Path work;

  @Test
  void should_compile_and_run_the_module_and_give_its_exit_code_and_output() throws Exception {
    ModulePathProgram.Result result = ModulePathProgram.builder("example.hello").requires("java.logging")
        .mainClass("example.hello.Main", """
            package example.hello;

            public final class Main {
              public static void main(String[] args) {
                System.out.println("module: " + Main.class.getModule().getName());
                System.out.println("reads java.logging: "
                    + Main.class.getModule().canRead(java.util.logging.Logger.class.getModule()));
                System.err.println("to stderr");
                System.exit(3);
              }
            }
            """).build().run(work);
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.lines()).contains("module: example.hello", "reads java.logging: true", "to stderr");
    assertThat(result.command()).contains("-m", "example.hello/example.hello.Main");
    assertThat(work.resolve("src/module-info.java")).content()
        .isEqualTo("module example.hello {\n  requires java.logging;\n}\n");
  }

  @Test
  void should_fail_with_the_compiler_output_when_the_module_does_not_compile() {
    ModulePathProgram program = ModulePathProgram.builder("example.broken").requires("no.such.module")
        .mainClass("example.broken.Main", "package example.broken; public final class Main {}")
        .modulePath(List.of()).build();
    assertThatThrownBy(() -> program.run(work)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("javac").hasMessageContaining("no.such.module");
  }

  @Test
  void should_refuse_a_main_class_outside_a_package() {
    assertThatThrownBy(() -> ModulePathProgram.builder("example.app").mainClass("Main", "class Main {}").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'Main'");
  }

  @Test
  void should_say_which_system_property_is_missing_outside_a_maven_build() {
    String previous = System.getProperty(ModulePathProgram.MODULE_JAR);
    System.clearProperty(ModulePathProgram.MODULE_JAR);
    try {
      assertThatThrownBy(ModulePathProgram::recordedModulePath).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(ModulePathProgram.MODULE_JAR);
    } finally {
      if (previous != null) {
        System.setProperty(ModulePathProgram.MODULE_JAR, previous);
      }
    }
  }
}
