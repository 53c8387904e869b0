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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a node's logs for start-failure messages: the likely cause in one line, and the last lines of
 * {@code logs/system.log} (Cassandra's logback) and {@code logs/stdout.log} (the JVM's own output, such as
 * an unrecognized option, and anything printed before logging started).
 */
final class ServerLogs {
  static final int TAIL_LINES = 40;
  private static final int CAUSE_MAX_CHARS = 600;
  /** Lines of stdout.log in a tail when system.log has lines: it mostly repeats system.log's errors. */
  static final int STDOUT_TAIL_LINES = 10;
  /** A line of system.log, as {@link ServerSettings#logbackXml} writes them, and one at ERROR. */
  private static final Pattern LOG_LINE = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} [A-Z]+ .*");
  private static final Pattern ERROR_LINE = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ERROR .*");
  /** The JVM's warning about Cassandra's SecurityManager, on stdout at every start: noise in a tail. */
  private static final Pattern JVM_WARNING = Pattern.compile("^WARNING: .*(SecurityManager|deprecated method).*");
  /** Lines of stdout.log that explain why the JVM (or setpriv) gave up. */
  private static final Pattern JVM_FAILURE = Pattern.compile(
      "^(Unrecognized|Error:|Error occurred|Invalid|Improperly specified|Exception in thread|setpriv:|"
          + "Could not|Caused by:|Terminating due to).*");
  private static final Pattern EXCEPTION_LINE =
      Pattern.compile("^([a-zA-Z_$][\\w$]*\\.)+[\\w$]*(Exception|Error)\\b.*");

  private ServerLogs() {}

  static Path systemLog(Path folder) {
    return folder.resolve("logs/system.log");
  }

  static Path stdoutLog(Path folder) {
    return folder.resolve("logs/stdout.log");
  }

  /**
   * Where a node's logs ended when it was launched: the logs of a folder grow across restarts (both files are
   * appended to), and only what follows these offsets is that launch's.
   *
   * @param systemLogBytes the size of {@code logs/system.log} then
   * @param stdoutBytes the size of {@code logs/stdout.log} then
   */
  record Mark(long systemLogBytes, long stdoutBytes) {
    /** The beginning of both logs: everything in them. */
    static final Mark START = new Mark(0, 0);
  }

  /** {@return where the logs in {@code folder} end now}: 0 for a log not there. */
  static Mark mark(Path folder) {
    return new Mark(size(systemLog(folder)), size(stdoutLog(folder)));
  }

  /** The line most likely to say why the node failed: the first ERROR, else the JVM's complaint. */
  static Optional<String> cause(Path folder) {
    return cause(folder, Mark.START);
  }

  /** Like {@link #cause(Path)}, from what the logs got after {@code since} only. */
  static Optional<String> cause(Path folder, Mark since) {
    Optional<String> fromSystemLog = causeInSystemLog(read(systemLog(folder), since.systemLogBytes()));
    return fromSystemLog.isPresent() ? fromSystemLog
        : causeInStdout(read(stdoutLog(folder), since.stdoutBytes()));
  }

  /**
   * The first ERROR line's message; when an exception follows it, also that exception and the first and
   * last of its causes ("Caused by:"), which usually say what was wrong in a few words.
   */
  static Optional<String> causeInSystemLog(List<String> lines) {
    for (int i = 0; i < lines.size(); i++) {
      if (!ERROR_LINE.matcher(lines.get(i)).matches()) {
        continue;
      }
      String line = lines.get(i);
      int message = line.indexOf(" - ");
      StringBuilder cause = new StringBuilder(message < 0 ? line : line.substring(message + 3));
      if (i + 1 < lines.size() && EXCEPTION_LINE.matcher(lines.get(i + 1).trim()).matches()) {
        List<String> causes = new ArrayList<>();
        for (int j = i + 2; j < lines.size() && !LOG_LINE.matcher(lines.get(j)).matches(); j++) {
          if (lines.get(j).startsWith("Caused by: ")) {
            causes.add(lines.get(j).substring("Caused by: ".length()).trim());
          }
        }
        cause.append(" (").append(lines.get(i + 1).trim());
        if (!causes.isEmpty()) {
          cause.append("; caused by ").append(causes.get(0));
        }
        if (causes.size() > 1) {
          cause.append("; root cause ").append(causes.get(causes.size() - 1));
        }
        cause.append(')');
      }
      return Optional.of(shorten(cause.toString()));
    }
    return Optional.empty();
  }

  static Optional<String> causeInStdout(List<String> lines) {
    return lines.stream().map(String::trim).filter(line -> JVM_FAILURE.matcher(line).matches())
        .findFirst().map(ServerLogs::shorten);
  }

  /**
   * The last {@link #TAIL_LINES} lines of system.log and the last lines of stdout.log ({@link #TAIL_LINES}
   * if system.log is empty, else {@link #STDOUT_TAIL_LINES}), each under a header naming the file.
   */
  static String tail(Path folder) {
    return tail(folder, Mark.START);
  }

  /** Like {@link #tail(Path)}, from what the logs got after {@code since} only. */
  static String tail(Path folder, Mark since) {
    List<String> systemLog = read(systemLog(folder), since.systemLogBytes());
    List<String> stdout = read(stdoutLog(folder), since.stdoutBytes()).stream()
        .filter(line -> !JVM_WARNING.matcher(line).matches()).toList();
    StringBuilder tail = new StringBuilder();
    appendTail(tail, systemLog(folder), systemLog, TAIL_LINES);
    appendTail(tail, stdoutLog(folder), stdout, systemLog.isEmpty() ? TAIL_LINES : STDOUT_TAIL_LINES);
    return tail.length() == 0 ? "\n(the server wrote no log)" : tail.toString();
  }

  private static void appendTail(StringBuilder tail, Path log, List<String> lines, int count) {
    if (!lines.isEmpty()) {
      List<String> last = lines.subList(Math.max(0, lines.size() - count), lines.size());
      tail.append("\n--- last ").append(last.size()).append(" lines of ").append(log).append(" ---\n")
          .append(String.join("\n", last));
    }
  }

  /**
   * The lines of {@code log} from byte {@code offset} on; from its start when it is shorter than that (replaced
   * since).
   */
  private static List<String> read(Path log, long offset) {
    if (!Files.isReadable(log)) {
      return List.of();
    }
    try (SeekableByteChannel channel = Files.newByteChannel(log)) {
      channel.position(channel.size() < offset ? 0 : offset);
      // Decoding replaces malformed bytes instead of failing, as readAllLines would.
      return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException | UncheckedIOException unreadable) {
      List<String> lines = new ArrayList<>();
      lines.add("(" + log + " unreadable: " + unreadable.getMessage() + ")");
      return lines;
    }
  }

  private static long size(Path log) {
    try {
      return Files.size(log);
    } catch (IOException absent) {
      return 0;
    }
  }

  private static String shorten(String line) {
    return line.length() <= CAUSE_MAX_CHARS ? line : line.substring(0, CAUSE_MAX_CHARS) + "...";
  }
}
