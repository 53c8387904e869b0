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

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/**
 * Where a secret (a password) comes from, first match wins: its option, given alone (a prompt) or with a
 * value (visible in the process list, which earns a warning on stderr); the first line of its file option;
 * an environment variable. Never printed, never logged.
 *
 * <p>The prompt is ours, not picocli's {@code interactive} option, whose prompt goes to stdout when there
 * is no console: that would corrupt {@code export --output -} and {@code count}'s result. On a terminal the
 * console reads it without echo; otherwise it is read as one line from stdin, with the prompt on stderr.
 */
final class Secret {
  /** The value picocli gives an option that is given alone: asks for a prompt. */
  static final String PROMPT = "";

  private Secret() {}

  /**
   * Refuses a secret given both ways, its option's value (or prompt) and its file: called before any secret is
   * read, so that no prompt comes before the usage error.
   *
   * @throws CommandLine.ParameterException when both {@code value} and {@code file} are given
   */
  static void checkOneSource(CommandLine commandLine, String option, String value, Path file) {
    if (value != null && file != null) {
      throw new CommandLine.ParameterException(commandLine, "give " + option + " or " + option + "-file, not both");
    }
  }

  /**
   * Refuses a secret's file that cannot be read (missing, unreadable, a folder): called before any secret is
   * read, so that no prompt for another secret comes before this usage error.
   *
   * @throws CommandLine.ParameterException naming the option and the file
   */
  static void checkReadable(CommandLine commandLine, String option, Path file) {
    if (file != null && (!Files.isReadable(file) || Files.isDirectory(file))) {
      throw new CommandLine.ParameterException(commandLine, "cannot read " + option + "-file " + file + ": "
          + (Files.isDirectory(file) ? "it is a folder" : "no readable file there"));
    }
  }

  /**
   * The secret, or null when none was given.
   *
   * @param option the option's name, such as {@code --password}
   * @param value the option's value ({@link #PROMPT} when given alone), or null
   * @param file the file option's value, or null
   * @param variable the environment variable's name
   * @throws CommandLine.ParameterException when both the option and its file are given, or the file cannot be read
   */
  static String resolve(CommandLine commandLine, String option, String value, Path file, String variable,
      Map<String, String> environment, PrintStream err) {
    checkOneSource(commandLine, option, value, file);
    if (value != null && value.equals(PROMPT)) {
      return prompt(commandLine, option, variable, err);
    }
    if (value != null) {
      err.println("warning: " + option + " VALUE is visible to other users in the process list; use " + option
          + " alone to be prompted, " + option + "-file FILE, or " + variable);
      return value;
    }
    if (file != null) {
      String first;
      try {
        first = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("");
      } catch (IOException failure) {
        throw new CommandLine.ParameterException(commandLine, "cannot read " + option + "-file " + file + ": "
            + failure.getClass().getSimpleName());
      }
      if (first.startsWith("\uFEFF")) {
        first = first.substring(1); // a byte-order mark some editors write: not part of the secret
      }
      if (first.isEmpty()) {
        // An empty password was sent, and the server answered only that the credentials were wrong.
        throw new CommandLine.ParameterException(commandLine, option + "-file " + file + ": its first line is "
            + "empty; the secret is the file's first line");
      }
      return first;
    }
    String fromEnvironment = environment.get(variable);
    return fromEnvironment == null || fromEnvironment.isEmpty() ? null : fromEnvironment;
  }

  private static String prompt(CommandLine commandLine, String option, String variable, PrintStream err) {
    Console console = System.console();
    NoEcho noEcho = console != null && isTerminal(console) ? label -> console.readPassword("%s", label) : null;
    return prompt(commandLine, option, variable, err, noEcho, Terminal.of(Terminal.STDIN),
        Terminal.of(Terminal.STDOUT), System.in);
  }

  /** Reads a line without echo, showing a prompt: the console's {@code readPassword}. */
  @FunctionalInterface
  interface NoEcho {
    /** The line typed, or null at the end of input. */
    char[] read(String prompt);
  }

  /**
   * Whether {@code console} is a terminal: asked from Java 22 ({@code Console.isTerminal()}), whose
   * {@code System.console()} returns a console even when stdin or stdout is redirected, and whose console then
   * writes its prompt to stdout, into the data; up to Java 21 a console exists only on a terminal.
   */
  static boolean isTerminal(Console console) {
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (NoSuchMethodException beforeJava22) {
      return true;
    } catch (ReflectiveOperationException | RuntimeException unknown) {
      return false;
    }
  }

  /**
   * The prompt, given what the process has. With stdin a terminal and stdout redirected (as in {@code export
   * --output - > file}) it is refused, and so it is with stdin a terminal and no console to turn echo off:
   * the terminal would show the secret as it is typed. Otherwise a console reads without echo, and anything
   * else on stdin (a pipe, a file) is read as one line, the prompt on stderr. What a stream is comes from
   * {@link Terminal} (unknown off Linux, where the console alone decides).
   *
   * @param noEcho the console's reader, or null without a console that is a terminal
   */
  static String prompt(CommandLine commandLine, String option, String variable, PrintStream err,
      NoEcho noEcho, Terminal.Kind stdin, Terminal.Kind stdout, InputStream in) {
    String label = "Enter the value of " + option + ": ";
    boolean stdoutRedirected = stdin == Terminal.Kind.TERMINAL && stdout == Terminal.Kind.NOT_A_TERMINAL;
    boolean echoing = noEcho == null && stdin == Terminal.Kind.TERMINAL;
    if (stdoutRedirected || echoing) {
      throw new CommandLine.ParameterException(commandLine, option + " alone cannot read the value without echo"
          + " here: stdin is a terminal but stdout is not; use " + option + "-file FILE or " + variable
          + " instead, or pipe the value to stdin");
    }
    if (noEcho != null && stdin != Terminal.Kind.NOT_A_TERMINAL) {
      char[] typed = noEcho.read(label);
      if (typed == null) {
        throw new CommandLine.ParameterException(commandLine, option + ": no value typed");
      }
      return new String(typed);
    }
    err.print(label);
    err.flush();
    String line = readLine(in);
    if (line == null) {
      throw new CommandLine.ParameterException(commandLine, option + " alone reads the value from the terminal or"
          + " stdin, and stdin is empty");
    }
    return line;
  }

  /** One line, byte by byte, so that the next prompt finds the next line: no read-ahead buffer. */
  private static String readLine(InputStream in) {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    try {
      for (int next = in.read(); next != '\n'; next = in.read()) {
        if (next < 0) {
          return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
        }
        if (next != '\r') {
          line.write(next);
        }
      }
    } catch (IOException failure) {
      return null;
    }
    return line.toString(StandardCharsets.UTF_8);
  }
}
