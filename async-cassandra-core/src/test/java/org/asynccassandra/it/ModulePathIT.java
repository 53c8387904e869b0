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

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles a small named module that {@code requires org.asynccassandra} against core's packaged jar, and
 * runs it with {@code java --module-path ... -m}: core's jar and its runtime dependencies are all on the
 * module path, nothing on the class path. Core is an automatic module (its manifest's
 * Automatic-Module-Name) because the driver it needs has no stable module name; see core's pom.
 */
class ModulePathIT {
  private static final String MODULE_INFO = """
      module example.app {
        requires org.asynccassandra;
      }
      """;

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

  @TempDir Path work;

  @Test
  void should_run_a_module_that_requires_org_asynccassandra_on_the_module_path() throws Exception {
    String modulePath = modulePath();
    Path sources = work.resolve("src");
    Files.createDirectories(sources.resolve("example/app"));
    Files.writeString(sources.resolve("module-info.java"), MODULE_INFO);
    Files.writeString(sources.resolve("example/app/Main.java"), MAIN);
    Path classes = work.resolve("classes");

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac).as("a JDK's compiler").isNotNull();
    ByteArrayOutputStream compilerOutput = new ByteArrayOutputStream();
    int compiled = javac.run(null, compilerOutput, compilerOutput, "--release", "17", "--module-path", modulePath,
        "-d", classes.toString(), sources.resolve("module-info.java").toString(),
        sources.resolve("example/app/Main.java").toString());
    assertThat(compiled).as("javac: %s", compilerOutput.toString(StandardCharsets.UTF_8)).isZero();

    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--module-path", classes + File.pathSeparator + modulePath, "-m", "example.app/example.app.Main"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output;
    try {
      process.getOutputStream().close();
      output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the program ends: %s", command).isTrue();
    } finally {
      process.destroyForcibly();
    }
    assertThat(process.exitValue()).as("exit code of %s, output:%n%s", command, output).isZero();
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

  /** Core's packaged jar and its runtime dependencies, as the pom recorded them. */
  private static String modulePath() throws IOException {
    Path coreJar = Path.of(required("asynccassandra.coreJar"));
    assertThat(coreJar).as("core's jar: run this IT from Maven's verify").isRegularFile();
    String dependencies = Files.readString(Path.of(required("asynccassandra.runtimeModulePath"))).trim();
    return coreJar + File.pathSeparator + dependencies;
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    assertThat(value).as("system property %s, set by core's pom", property).isNotBlank();
    return value;
  }
}
