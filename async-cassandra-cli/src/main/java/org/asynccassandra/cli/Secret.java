package org.asynccassandra.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/**
 * Where a secret (a password) comes from, first match wins: the option's value (typed at its prompt, or,
 * visible in the process list, given on the command line, which earns a warning on stderr), the first line
 * of its file option, or an environment variable. Never printed, never logged.
 */
final class Secret {
  private Secret() {}

  /**
   * The secret, or null when none was given.
   *
   * @param option the option's name, such as {@code --password}
   * @param value the option's value (prompted or given), or null
   * @param file the file option's value, or null
   * @param variable the environment variable's name
   * @throws CommandLine.ParameterException when both the option and its file are given, or the file cannot be read
   */
  static String resolve(CommandLine commandLine, String option, char[] value, Path file, String variable,
      Map<String, String> environment, PrintStream err) {
    CommandLine.ParseResult parsed = commandLine.getParseResult();
    if (value != null && file != null) {
      throw new CommandLine.ParameterException(commandLine, "give " + option + " or " + option + "-file, not both");
    }
    if (value != null) {
      if (givenOnCommandLine(parsed, option)) {
        err.println("warning: " + option + " VALUE is visible to other users in the process list; use " + option
            + " alone to be prompted, " + option + "-file FILE, or " + variable);
      }
      return new String(value);
    }
    if (file != null) {
      try {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("");
      } catch (IOException failure) {
        throw new CommandLine.ParameterException(commandLine, "cannot read " + option + "-file " + file + ": "
            + failure.getClass().getSimpleName());
      }
    }
    String fromEnvironment = environment.get(variable);
    return fromEnvironment == null || fromEnvironment.isEmpty() ? null : fromEnvironment;
  }

  /** Whether the option took its value from the arguments ({@code --password=x} or {@code --password x}). */
  private static boolean givenOnCommandLine(CommandLine.ParseResult parsed, String option) {
    java.util.List<String> args = parsed.originalArgs();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.startsWith(option + "=")) {
        return true;
      }
      if (arg.equals(option) && i + 1 < args.size() && !args.get(i + 1).startsWith("-")) {
        return true;
      }
    }
    return false;
  }
}
