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
package org.asynccassandra.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code async-cassandra} command line. Exit codes: 0 success, 1 failure at run time (the message says
 * why), 2 bad usage.
 *
 * <p>Which commands it has depends on where it runs. {@code export} and {@code count} are always there.
 * {@code demo} needs the testkit (an embedded Cassandra) on the classpath: a clone of the repository has it,
 * the downloadable archive does not. {@code serve} and {@code bench} live in other modules: the clone's
 * {@code ./async-cassandra} script runs them and sets {@value #CLONE_PROPERTY}, so that they are listed.
 */
@Command(
    name = "async-cassandra",
    mixinStandardHelpOptions = true,
    versionProvider = AsyncCassandraCli.Version.class,
    description = "Reads big Cassandra tables the async way: true read-ahead, bounded memory, no blocked threads.",
    footer = {"", "Exit codes: 0 success, 1 run-time failure (one line on stderr), 2 bad usage.",
        "Every command takes --help."})
public final class AsyncCassandraCli implements Runnable {
  /** Set by the clone's ./async-cassandra script: serve and bench are there. */
  static final String CLONE_PROPERTY = "asynccassandra.clone";

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code; no System.exit, so tests can call it. */
  public static int execute(String... args) {
    CommandLine commandLine = commandLine(hasEmbeddedServer(), Boolean.getBoolean(CLONE_PROPERTY));
    return commandLine.execute(args);
  }

  /**
   * The command line with the commands this installation carries.
   *
   * @param demo whether to add {@code demo} (it needs the testkit on the classpath)
   * @param clone whether to list {@code serve} and {@code bench}, which the clone's script runs
   */
  static CommandLine commandLine(boolean demo, boolean clone) {
    CommandLine commandLine = new CommandLine(new AsyncCassandraCli());
    if (demo) {
      commandLine.addSubcommand(newDemo());
    } else {
      commandLine.addSubcommand("demo", elsewhere("demo", DEMO, false, "demo starts an embedded Cassandra, which"
          + " this installation does not carry; run ./async-cassandra demo in a clone of the repository"));
    }
    commandLine.addSubcommand(new ExportCommand());
    commandLine.addSubcommand(new CountCommand());
    commandLine.addSubcommand("serve", serve(elsewhere("serve", SERVE, clone, clone
        ? "serve runs through the script: ./async-cassandra serve"
        : "serve is not in this installation; run ./async-cassandra serve in a clone of the repository")));
    commandLine.addSubcommand("bench", elsewhere("bench", BENCH, clone, clone
        ? "bench runs through the script: ./async-cassandra bench"
        : "bench is not in this installation; run ./async-cassandra bench in a clone of the repository"));
    commandLine.addSubcommand(new CommandLine.HelpCommand());
    commandLine.setExecutionExceptionHandler(new Failures());
    CommandLine.IParameterExceptionHandler usage = commandLine.getParameterExceptionHandler();
    commandLine.setParameterExceptionHandler((failure, args) -> usage.handleParseException(withoutValues(failure),
        args));
    return commandLine;
  }

  /**
   * {@code failure} without the values that follow an unknown option: picocli names every argument it could not
   * match, so a mistyped {@code --pasword hunter2} printed the password ("Unknown options: '--pasword',
   * 'hunter2'") to the terminal and into CI logs. The options are still named (and their suggestions made);
   * an argument that follows none is still shown (it is a stray word, not an option's value).
   */
  static CommandLine.ParameterException withoutValues(CommandLine.ParameterException failure) {
    if (!(failure instanceof CommandLine.UnmatchedArgumentException unmatched)) {
      return failure;
    }
    java.util.List<String> shown = new java.util.ArrayList<>();
    int hidden = 0;
    boolean afterOption = false;
    for (String argument : unmatched.getUnmatched()) {
      if (afterOption) { // the word after an unknown option, whatever it looks like (--pasword -s3cret)
        hidden++;
        afterOption = false;
      } else if (argument.startsWith("--")) {
        int equals = argument.indexOf('=');
        shown.add(equals > 0 ? argument.substring(0, equals + 1) + "..." : argument);
        hidden += equals > 0 ? 1 : 0;
        afterOption = equals < 0;
      } else if (argument.startsWith("-") && argument.length() > 1) {
        // A short option, its value perhaps attached (-phunter2, as cqlsh users type it).
        shown.add(argument.length() > 2 ? argument.substring(0, 2) + "..." : argument);
        hidden += argument.length() > 2 ? 1 : 0;
        afterOption = argument.length() == 2;
      } else {
        shown.add(argument);
      }
    }
    if (hidden == 0) {
      return failure;
    }
    return new CommandLine.UnmatchedArgumentException(failure.getCommandLine(), shown, hidden == 1
        ? " (the value given with it is not shown: it may be a secret)"
        : " (the values given with them are not shown: they may be secrets)");
  }

  private static final String DEMO = "Compares the driver's ways of reading with async-cassandra's on one "
      + "event-loop thread, on an embedded Cassandra.";
  private static final String SERVE =
      "Serves the example web application on Vert.x (--spring: the Spring Boot one), over an embedded Cassandra.";
  private static final String BENCH = "Runs the benchmarks against the driver's own ways of reading and writes the "
      + "report.";

  /**
   * A command that lives elsewhere: listed ({@code listed}) where the clone's script runs it, hidden otherwise;
   * run here, it explains where it lives (exit code 1), whatever its arguments.
   */
  private static CommandLine elsewhere(String name, String description, boolean listed, String message) {
    CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.wrapWithoutInspection(
        (java.util.concurrent.Callable<Integer>) () -> {
          System.err.println("error: " + message);
          return 1;
        });
    spec.name(name);
    spec.usageMessage().description(description).hidden(!listed);
    spec.parser().unmatchedArgumentsAllowed(true);
    spec.mixinStandardHelpOptions(true);
    return new CommandLine(spec);
  }

  /**
   * Adds serve's own usage to {@code serve}: what it runs and its options, as {@code WebServer} (Vert.x) and
   * {@code EmbeddedExample} (--spring) in their modules take them, so that {@code help serve} and
   * {@code serve --help} show them (the clone's script sends {@code serve --help} to the example itself). The
   * options are only described here: run with them, this command still says where serve runs (exit code 1), but
   * one of them that takes a value and is given none is bad usage (exit code 2), as anywhere else.
   */
  private static CommandLine serve(CommandLine serve) {
    CommandLine.Model.CommandSpec spec = serve.getCommandSpec();
    spec.usageMessage().description(SERVE,
        "It starts an embedded Apache Cassandra 5.0 (unless --contact-point is given), loads sample items and serves "
            + "them on http://localhost:8080/: signed next-page tokens, page numbers with limits, an NDJSON export "
            + "with end-to-end backpressure, and Prometheus metrics. Ctrl+C stops the service, then the server.")
        .footer("", // one line each: picocli would wrap --server.port=8081 at its dot
            "With --spring, the other arguments go to Spring Boot as properties, such as",
            "--server.port=8081; --contact-point, --datacenter and --port are the Vert.x",
            "example's.",
            "serve runs in a clone of the repository: ./async-cassandra serve [OPTIONS]");
    spec.addOption(documented("--spring", null, "Run the Spring Boot example (WebFlux) instead of the Vert.x one."));
    spec.addOption(documented("--mvc", null, "With --spring: the Spring MVC application (the blocking iterator on "
        + "virtual threads) instead of WebFlux."));
    spec.addOption(documented("--webflux", null, "With --spring: the WebFlux application (the default)."));
    spec.addOption(documented("--rows", "N", "Sample rows to load (default: 10000)."));
    spec.addOption(documented("--port", "PORT", "The HTTP port (default: 8080; 0 for any)."));
    spec.addOption(documented("--contact-point", "HOST:PORT", "Use this Cassandra instead of starting one."));
    spec.addOption(documented("--datacenter", "DC", "The local datacenter with --contact-point (default: "
        + "datacenter1)."));
    return serve;
  }

  /** An option that is only described: a flag when {@code label} is null, else one that takes a value. */
  private static CommandLine.Model.OptionSpec documented(String name, String label, String description) {
    CommandLine.Model.OptionSpec.Builder option = CommandLine.Model.OptionSpec.builder(name).description(description);
    return label == null ? option.arity("0").type(boolean.class).build()
        : option.arity("1").type(String.class).paramLabel(label).build();
  }

  /** Whether the testkit is on the classpath: without it, DemoCommand's class cannot even be loaded. */
  static boolean hasEmbeddedServer() {
    try {
      Class.forName("org.asynccassandra.testkit.CassandraServer", false, AsyncCassandraCli.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError absent) {
      return false;
    }
  }

  /** Loaded only when the testkit is there, so that this class never links DemoCommand otherwise. */
  private static Object newDemo() {
    try {
      return Class.forName("org.asynccassandra.cli.DemoCommand").getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException failure) {
      throw new IllegalStateException("Cannot create the demo command: " + failure, failure);
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = AsyncCassandraCli.class.getPackage().getImplementationVersion();
      return new String[] {"async-cassandra " + (version == null ? "development build" : version)};
    }
  }

  /** Prints one line per failure, and the stack trace only with --verbose. */
  static final class Failures implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception failure, CommandLine commandLine,
        CommandLine.ParseResult parseResult) {
      boolean verbose = parseResult.subcommand() != null
          ? parseResult.subcommand().hasMatchedOption("--verbose")
          : parseResult.hasMatchedOption("--verbose");
      if (Interruption.jvmExiting()) {
        // Ctrl-C or a kill: the run's Interruption says that it stopped and what it left; what failed under
        // the exit (a connection to the server its hook stopped) is only told with --verbose.
        if (verbose) {
          commandLine.getErr().println("after the interruption: " + describe(failure));
          failure.printStackTrace(commandLine.getErr());
        }
        return 130;
      }
      commandLine.getErr().println("error: " + describe(failure));
      if (verbose) {
        failure.printStackTrace(commandLine.getErr());
      } else {
        commandLine.getErr().println("(run again with --verbose for the stack trace)");
      }
      return 1;
    }

    static String describe(Throwable failure) {
      Throwable cause = failure;
      while ((cause instanceof java.util.concurrent.CompletionException
          || cause instanceof java.util.concurrent.ExecutionException
          || (cause instanceof java.io.UncheckedIOException && cause.getCause() != null // a bare wrapper
              && String.valueOf(cause.getCause()).equals(cause.getMessage()))) && cause.getCause() != null) {
        cause = cause.getCause();
      }
      java.util.Optional<String> connection = ConnectionFailures.describe(cause);
      if (connection.isPresent()) {
        return connection.get();
      }
      if (cause instanceof java.nio.file.FileSystemException refused && refused.getReason() == null) {
        return OutputFiles.describe(refused); // its message is only a path: "error: /x/out.csv" said nothing
      }
      String message = cause.getMessage();
      return message == null ? cause.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }
  }
}
