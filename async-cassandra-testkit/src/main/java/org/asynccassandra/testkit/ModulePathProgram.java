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

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A small named module, compiled from source and run with {@code java --module-path ... -m}, that checks how a
 * library's jars behave on the module path, as an application's module would meet them: its
 * {@code module-info.java} is {@code module <name> { requires <each>; exports <each>; }}, its one class is given as source,
 * and the module path holds nothing but the given jars (no class path). {@link #recordedModulePath()} reads
 * the jars a module's pom recorded for its integration tests.
 *
 * <p>Immutable and thread-safe; {@link #run} blocks while javac and the child JVM run (both the current
 * JVM's, which must be a JDK), and leaves its files (sources, classes, output) in the given folder.
 */
public final class ModulePathProgram {
  /** The system property that names the module's own jar (set by the parent pom for failsafe). */
  public static final String MODULE_JAR = "asynccassandra.moduleJar";
  /**
   * The system property that names a file holding the module's runtime dependencies as one path-separated
   * list (maven-dependency-plugin's {@code build-classpath}, execution {@code record-module-path}).
   */
  public static final String RUNTIME_MODULE_PATH = "asynccassandra.runtimeModulePath";
  private static final long TIMEOUT_SECONDS = 60;

  private final String module;
  private final List<String> requires;
  private final List<String> exports;
  private final String mainClass;
  private final String mainSource;
  private final List<Path> modulePath;
  private final List<String> javaOptions;

  private ModulePathProgram(Builder builder) {
    this.module = builder.module;
    this.requires = List.copyOf(builder.requires);
    this.exports = List.copyOf(builder.exports);
    this.mainClass = builder.mainClass;
    this.mainSource = builder.mainSource;
    this.modulePath = List.copyOf(builder.modulePath);
    this.javaOptions = List.copyOf(builder.javaOptions);
  }

  /**
   * A program in the module {@code module}.
   *
   * @param module the name of the module the program is compiled into, such as {@code example.app}
   * @return a builder for the program, with no {@code requires} clause, main class or module path yet
   */
  public static Builder builder(String module) {
    return new Builder(module);
  }

  /**
   * The module path a module's pom recorded for its integration tests: its own packaged jar
   * ({@value #MODULE_JAR}) followed by its runtime dependencies (the file named by
   * {@value #RUNTIME_MODULE_PATH}).
   *
   * @return the jar first, then each recorded dependency in the recorded order
   * @throws IllegalStateException when a property is missing or names no file (run from Maven's verify)
   */
  public static List<Path> recordedModulePath() {
    Path jar = Path.of(required(MODULE_JAR));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("The module's jar is not there (run this test from Maven's verify): " + jar);
    }
    Path recorded = Path.of(required(RUNTIME_MODULE_PATH));
    String dependencies;
    try {
      dependencies = Files.readString(recorded, StandardCharsets.UTF_8).trim();
    } catch (IOException unreadable) {
      throw new IllegalStateException("Cannot read the recorded module path " + recorded + ": " + unreadable, unreadable);
    }
    List<Path> path = new ArrayList<>();
    path.add(jar);
    for (String entry : dependencies.split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        path.add(Path.of(entry));
      }
    }
    return path;
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("System property " + property + " is not set: the parent pom sets it for "
          + "failsafe, and the module's pom must set module.path.phase (see the parent pom)");
    }
    return value;
  }

  /**
   * Compiles the module ({@code --release 17}, against the module path) into {@code work/classes} and runs it
   * to its end with this JVM's {@code java}, stdout and stderr together (kept in {@code work/output.txt}); the
   * child is killed if it is still running when this returns or throws. Blocks the calling thread until
   * the child ends.
   *
   * @param work an empty folder for the sources, the classes and the output (a JUnit {@code @TempDir})
   * @return the command, the child's exit code and its output; a non-zero exit code is returned, not thrown
   * @throws IOException when the sources or the output cannot be written or read, or the child cannot start
   * @throws InterruptedException when the calling thread is interrupted while it waits for the child
   * @throws IllegalStateException when there is no compiler, javac fails (the message holds its output), or
   *     the program does not end within a minute
   */
  public Result run(Path work) throws IOException, InterruptedException {
    Path sources = work.resolve("src");
    Path classes = work.resolve("classes");
    Path moduleInfo = sources.resolve("module-info.java");
    Path main = sources.resolve(mainClass.replace('.', '/') + ".java");
    Files.createDirectories(main.getParent());
    Files.writeString(moduleInfo, moduleInfo(), StandardCharsets.UTF_8);
    Files.writeString(main, mainSource, StandardCharsets.UTF_8);
    String path = modulePath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("No Java compiler in " + System.getProperty("java.home") + ": run on a JDK");
    }
    ByteArrayOutputStream compilerOutput = new ByteArrayOutputStream();
    List<String> javacArguments = new ArrayList<>(List.of("--release", "17", "-d", classes.toString()));
    if (!path.isEmpty()) {
      javacArguments.addAll(List.of("--module-path", path));
    }
    javacArguments.addAll(List.of(moduleInfo.toString(), main.toString()));
    int compiled = javac.run(null, compilerOutput, compilerOutput, javacArguments.toArray(new String[0]));
    if (compiled != 0) {
      throw new IllegalStateException("javac " + javacArguments + " failed:\n"
          + compilerOutput.toString(StandardCharsets.UTF_8));
    }

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOptions);
    command.addAll(List.of("--module-path", path.isEmpty() ? classes.toString() : classes + File.pathSeparator + path,
        "-m", module + "/" + mainClass));
    // To a file rather than a pipe: a child that hangs cannot block the read, and the wait below times out.
    Path outputFile = work.resolve("output.txt");
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(outputFile.toFile())).start();
    try {
      process.getOutputStream().close();
      boolean ended = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      String output = Files.readString(outputFile, StandardCharsets.UTF_8);
      if (!ended) {
        throw new IllegalStateException("Still running after " + TIMEOUT_SECONDS + " s: " + command + "\n" + output);
      }
      return new Result(command, process.exitValue(), output);
    } finally {
      process.destroyForcibly();
    }
  }

  private String moduleInfo() {
    StringBuilder source = new StringBuilder("module ").append(module).append(" {\n");
    for (String required : requires) {
      source.append("  requires ").append(required).append(";\n");
    }
    for (String exported : exports) {
      source.append("  exports ").append(exported).append(";\n");
    }
    return source.append("}\n").toString();
  }

  /**
   * What a run gave.
   *
   * @param command the {@code java} command line
   * @param exitCode the child JVM's exit code
   * @param output its stdout and stderr, interleaved
   */
  public record Result(List<String> command, int exitCode, String output) {
    /**
     * The output's lines.
     *
     * @return the lines of {@link #output()}, without their line terminators
     */
    public List<String> lines() {
      return output.lines().collect(Collectors.toList());
    }
  }

  /** Builds a {@link ModulePathProgram}; not thread-safe. */
  public static final class Builder {
    private final String module;
    private final List<String> requires = new ArrayList<>();
    private final List<String> exports = new ArrayList<>();
    private String mainClass = "";
    private String mainSource = "";
    private final List<Path> modulePath = new ArrayList<>();
    private final List<String> javaOptions = new ArrayList<>();

    private Builder(String module) {
      this.module = module;
    }

    /**
     * Adds a {@code requires} clause.
     *
     * @param moduleName the module required, such as {@code org.asynccassandra}
     * @return this builder
     */
    public Builder requires(String moduleName) {
      requires.add(moduleName);
      return this;
    }

    /**
     * Adds an {@code exports} clause (never {@code opens}: a library then reaches the package's public types
     * only).
     *
     * @param packageName a package of the module, such as {@code example.app}, optionally followed by the
     *     modules it is exported to ({@code example.app to org.asynccassandra})
     * @return this builder
     */
    public Builder exports(String packageName) {
      exports.add(packageName);
      return this;
    }

    /**
     * The main class of the program.
     *
     * @param name its binary name, in a package of the module (for example {@code example.app.Main})
     * @param source its Java source
     * @return this builder
     */
    public Builder mainClass(String name, String source) {
      this.mainClass = name;
      this.mainSource = source;
      return this;
    }

    /**
     * Adds jars (or folders) to the module path, after those added before.
     *
     * @param entries the jars or folders, in order (for example {@link #recordedModulePath()})
     * @return this builder
     */
    public Builder modulePath(List<Path> entries) {
      modulePath.addAll(entries);
      return this;
    }

    /**
     * Adds options for the child JVM, before {@code --module-path}.
     *
     * @param options the options, each its own argument, such as {@code "--add-modules", "ALL-MODULE-PATH"}
     * @return this builder
     */
    public Builder javaOptions(String... options) {
      javaOptions.addAll(List.of(options));
      return this;
    }

    /**
     * The program.
     *
     * @return the program, which {@link ModulePathProgram#run(Path)} compiles and runs
     * @throws IllegalArgumentException when no main class was given, or it is in no package
     */
    public ModulePathProgram build() {
      if (mainClass.isEmpty() || mainClass.indexOf('.') < 0) {
        throw new IllegalArgumentException("mainClass must be a class in a package of the module: '" + mainClass + "'");
      }
      return new ModulePathProgram(this);
    }
  }
}
