package org.asynccassandra.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code async-cassandra} command line. Exit codes: 0 success, 1 failure at run time (the message says
 * why), 2 bad usage.
 */
@Command(
    name = "async-cassandra",
    mixinStandardHelpOptions = true,
    versionProvider = AsyncCassandraCli.Version.class,
    description = "Read big Cassandra results the async way: true read-ahead, bounded memory, no blocked threads.",
    subcommands = {DemoCommand.class, ExportCommand.class, CountCommand.class, CommandLine.HelpCommand.class},
    footer = {"", "Exit codes: 0 success, 1 run-time failure (message on stderr), 2 bad usage."})
public final class AsyncCassandraCli implements Runnable {
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
    CommandLine commandLine = new CommandLine(new AsyncCassandraCli());
    commandLine.setExecutionExceptionHandler(new Failures());
    return commandLine.execute(args);
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
          || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
        cause = cause.getCause();
      }
      String message = cause.getMessage();
      return message == null ? cause.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }
  }
}
