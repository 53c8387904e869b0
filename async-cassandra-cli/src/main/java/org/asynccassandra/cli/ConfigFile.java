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

import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.TypedDriverOption;
import com.datastax.oss.driver.api.core.type.reflect.GenericType;
import com.datastax.oss.driver.internal.core.config.typesafe.DefaultDriverConfigLoader;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The driver's settings that a command starts from: the {@code --config} file, or else the application.conf the
 * driver would read. A given file is read and checked before any work, so that a bad one is a usage error (exit
 * code 2) naming the file, not a failure once the session starts (or, for {@code demo}, once the embedded server
 * has started).
 */
final class ConfigFile {
  static final String ROOT = DefaultDriverConfigLoader.DEFAULT_ROOT_PATH;

  private final @Nullable Path file;
  private final Config settings;

  private ConfigFile(@Nullable Path file, Config settings) {
    this.file = file;
    this.settings = settings;
  }

  /**
   * Reads {@code file} (null: the driver's application.conf) and checks that it parses and sets something under
   * {@value #ROOT}.
   *
   * @throws ParameterException naming the file and the problem
   */
  static ConfigFile read(CommandLine commandLine, @Nullable Path file) {
    if (file == null) {
      try {
        return new ConfigFile(null, load(null));
      } catch (ConfigException unparsable) { // an application.conf on the class path, or -Dconfig.file
        throw new ParameterException(commandLine, "The driver's application.conf cannot be parsed: "
            + problem(unparsable, null), unparsable);
      }
    }
    if (!Files.isReadable(file)) {
      throw new ParameterException(commandLine, "--config file is not readable: " + file);
    }
    if (Files.isDirectory(file)) {
      throw new ParameterException(commandLine, "--config must name a file, not a folder: " + file);
    }
    Config settings;
    try {
      settings = load(file);
    } catch (ConfigException unparsable) {
      throw new ParameterException(commandLine, "--config file " + file + " cannot be parsed: "
          + problem(unparsable, file), unparsable);
    }
    if (!settings.hasPathOrNull(ROOT)) {
      // The driver reads nothing else: such a file would be ignored without a word.
      throw new ParameterException(commandLine, "--config file sets nothing under " + ROOT + ", where the driver"
          + " reads its settings (" + ROOT + " { ... }): " + file);
    }
    return new ConfigFile(file, settings);
  }

  /**
   * The settings of {@code file} (null: the driver's application.conf), unresolved; read again at each call, as
   * the driver does when it reloads its options.
   */
  static Config load(@Nullable Path file) {
    ConfigFactory.invalidateCaches();
    return file != null ? ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false))
        : ConfigFactory.defaultApplication();
  }

  /** The settings as read, unresolved. */
  Config settings() {
    return settings;
  }

  /** Whether the settings set {@code option}; a substitution there counts as set. */
  boolean sets(DefaultDriverOption option) {
    return sets(settings, path(option));
  }

  /**
   * The string the settings give {@code option}, {@code otherwise} when they do not set it; a value that cannot be
   * read as a string without resolving the file (a substitution) reads as {@code "${...}"}.
   */
  String string(DefaultDriverOption option, String otherwise) {
    if (!sets(option)) {
      return otherwise;
    }
    try {
      return settings.getString(path(option));
    } catch (ConfigException notAString) {
      return "${...}";
    }
  }

  /** Whether the (unresolved) settings set {@code path}; a substitution there counts as set. */
  static boolean sets(Config settings, String path) {
    try {
      return settings.hasPathOrNull(path);
    } catch (ConfigException.NotResolved substitution) {
      return true;
    }
  }

  /** The full path of {@code option} in a configuration. */
  static String path(DefaultDriverOption option) {
    return ROOT + "." + option.getPath();
  }

  /**
   * Checks the settings (the --config file's, or else application.conf's) merged over {@code fallbacks} (the
   * command line's defaults, then the driver's reference): that their substitutions resolve, that the driver's
   * options they set read as their types, and, unless {@code requestTimeoutGiven}, that the request timeout is a
   * duration above zero (the driver takes zero or less as no timeout at all). Nothing to check without a file and
   * without an application.conf.
   *
   * @throws ParameterException naming the file, the setting and its value
   */
  void check(CommandLine commandLine, Config fallbacks, boolean requestTimeoutGiven) {
    if (file == null && settings.isEmpty()) {
      return;
    }
    Config merged;
    try {
      merged = settings.withFallback(fallbacks).resolve();
    } catch (ConfigException unresolved) {
      throw new ParameterException(commandLine, capitalized(source()) + " cannot be read: "
          + problem(unresolved, file), unresolved);
    }
    String timeout = path(DefaultDriverOption.REQUEST_TIMEOUT);
    checkTypes(commandLine, merged, requestTimeoutGiven ? timeout : null);
    if (requestTimeoutGiven || !sets(settings, timeout)) {
      return;
    }
    Duration value;
    try {
      value = merged.getDuration(timeout);
    } catch (ConfigException notADuration) {
      throw new ParameterException(commandLine, timeout + " in " + source() + " must be a duration: "
          + problem(notADuration, file), notADuration);
    }
    if (value.isZero() || value.isNegative()) {
      throw new ParameterException(commandLine, timeout + " in " + source() + " must be > 0: "
          + merged.getValue(timeout).unwrapped());
    }
  }

  /**
   * Where the settings come from, for messages: {@code --config file PATH}, or the driver's application.conf
   * with where it was found (the class path, or {@code -Dconfig.file}).
   */
  String source() {
    return file != null ? "--config file " + file
        : "the driver's application.conf (" + settings.origin().description() + ")";
  }

  private static String capitalized(String text) {
    return Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  /**
   * Checks that each of the driver's own options that the file sets, at the top level and in its execution
   * profiles, reads as the type the driver reads it with ({@link TypedDriverOption}): {@code page-size = abc}
   * was found only when the session started, or at the first request (in a profile, at the first request that
   * used it). Options of other types (classes, maps of lists) are left to the driver, and so is
   * {@code replaced}, the path of an option the command line gives (at the top level).
   */
  private void checkTypes(CommandLine commandLine, Config merged, @Nullable String replaced) {
    List<String> prefixes = new ArrayList<>(List.of(ROOT));
    String profiles = ROOT + ".profiles";
    if (sets(settings, profiles) && merged.getValue(profiles).valueType() == ConfigValueType.OBJECT) {
      for (String profile : merged.getObject(profiles).keySet()) {
        prefixes.add(ConfigUtil.joinPath(ROOT, "profiles", profile));
      }
    }
    for (String prefix : prefixes) {
      for (TypedDriverOption<?> typed : TypedDriverOption.builtInValues()) {
        String path = prefix + "." + typed.getRawOption().getPath();
        if (path.equals(replaced) || !sets(settings, path)) {
          continue;
        }
        checkType(commandLine, merged, typed, path);
      }
    }
  }

  /** Checks the value at {@code path} as {@code typed}'s type, when {@link #TYPE_CHECKS} knows it. */
  private void checkType(CommandLine commandLine, Config merged, TypedDriverOption<?> typed, String path) {
    TypeCheck check = TYPE_CHECKS.get(typed.getExpectedType());
    if (check == null || merged.getIsNull(path)) {
      return; // a type left to the driver; an explicit null: the driver's own rule (most take it as unset)
    }
    try {
      check.read().accept(merged, path);
    } catch (ConfigException wrong) {
      throw new ParameterException(commandLine, path + " in " + source() + " must be " + check.expected() + ": "
          + problem(wrong, file), wrong);
    }
  }

  /** What a value of one type is, in words, and how the driver reads it (throwing when it cannot). */
  private record TypeCheck(String expected, BiConsumer<Config, String> read) {}

  /** The types {@link #checkTypes} checks; the others are left to the driver. */
  private static final Map<GenericType<?>, TypeCheck> TYPE_CHECKS = Map.of(
      GenericType.INTEGER, new TypeCheck("a whole number", Config::getInt),
      // The driver reads its long options as sizes (a plain number is one too).
      GenericType.LONG, new TypeCheck("a whole number (or a size, such as 256 MiB)", Config::getBytes),
      GenericType.DOUBLE, new TypeCheck("a number", Config::getDouble),
      GenericType.BOOLEAN, new TypeCheck("true or false", Config::getBoolean),
      GenericType.DURATION, new TypeCheck("a duration", Config::getDuration),
      GenericType.STRING, new TypeCheck("a string", Config::getString),
      GenericType.listOf(String.class), new TypeCheck("a list of strings", Config::getStringList));

  /**
   * The first line of a parser's message; an origin in {@code file} itself (its path and line) becomes
   * {@code line N}, another one (an included file) stays as it is.
   */
  static String problem(ConfigException failure, @Nullable Path file) {
    String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    ConfigOrigin origin = failure.origin();
    if (file != null && origin != null && origin.filename() != null && Path.of(origin.filename()).equals(file)
        && message.startsWith(origin.description() + ": ")) {
      message = message.substring(origin.description().length() + 2);
      if (origin.lineNumber() > 0) {
        message = "line " + origin.lineNumber() + ": " + message;
      }
    }
    return message.lines().findFirst().orElse(message);
  }
}
