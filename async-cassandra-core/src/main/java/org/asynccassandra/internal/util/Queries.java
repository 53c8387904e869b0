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
package org.asynccassandra.internal.util;

import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfig;
import com.datastax.oss.driver.api.core.config.DriverExecutionProfile;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;

/** The text of statements: whole for listeners ({@link #text}), shortened for error messages. */
public final class Queries {
  private static final int MAX_LENGTH = 200;

  private Queries() {}

  /** The query text of a statement, shortened for messages: {@link #text} through {@link #shorten}. */
  public static String describe(Statement<?> statement) {
    return shorten(text(statement));
  }

  /**
   * The query text of a statement as written, whole: a simple statement's query, a bound statement's
   * prepared query; for a batch {@code "BATCH of n statements"}, for another kind of statement its class's
   * simple name (neither has one text of its own).
   */
  public static String text(Statement<?> statement) {
    if (statement instanceof SimpleStatement) {
      return ((SimpleStatement) statement).getQuery();
    } else if (statement instanceof BoundStatement) {
      return ((BoundStatement) statement).getPreparedStatement().getQuery();
    } else if (statement instanceof BatchStatement) {
      return "BATCH of " + ((BatchStatement) statement).size() + " statements";
    }
    return statement.getClass().getSimpleName();
  }

  /** Whether the statement is a {@code SELECT} (leading whitespace and comments aside). */
  public static boolean isSelect(Statement<?> statement) {
    String text;
    if (statement instanceof SimpleStatement) {
      text = ((SimpleStatement) statement).getQuery();
    } else if (statement instanceof BoundStatement) {
      text = ((BoundStatement) statement).getPreparedStatement().getQuery();
    } else {
      return false;
    }
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (text.startsWith("--", i) || text.startsWith("//", i)) {
        int end = text.indexOf('\n', i);
        i = end < 0 ? n : end + 1;
      } else if (text.startsWith("/*", i)) {
        int end = text.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else {
        break;
      }
    }
    return text.regionMatches(true, i, "select", 0, 6)
        && (i + 6 == n || !Character.isLetterOrDigit(text.charAt(i + 6)));
  }

  /**
   * Whether the statement is idempotent: marked so, or unmarked while its execution profile's default says
   * so (as the driver itself decides; the default profile's setting is not the statement's when it names
   * another profile).
   */
  public static boolean isIdempotent(Statement<?> statement, DriverConfig config) {
    Boolean marked = statement.isIdempotent();
    if (marked != null) {
      return marked;
    }
    return profileOf(statement, config).getBoolean(DefaultDriverOption.REQUEST_DEFAULT_IDEMPOTENCE);
  }

  /**
   * The execution profile the driver runs {@code statement} with: its own, the one it names, or the default
   * one (also for a name the config lacks: the request itself then fails with the driver's own message).
   */
  public static DriverExecutionProfile profileOf(Statement<?> statement, DriverConfig config) {
    DriverExecutionProfile profile = statement.getExecutionProfile();
    if (profile != null) {
      return profile;
    }
    String name = statement.getExecutionProfileName();
    if (name == null) {
      return config.getDefaultProfile();
    }
    try {
      return config.getProfile(name);
    } catch (IllegalArgumentException unknownProfile) {
      return config.getDefaultProfile();
    }
  }

  /**
   * The text with each run of whitespace folded to one space and the ends stripped, cut at a readable
   * length. Every stream describes its statement, so a text that needs neither (the usual one-line query)
   * is returned as it is, without a copy; otherwise one pass builds the result. Whitespace inside the text is
   * what {@code \s} matches in a regular expression: space, tab, line feed, vertical tab, form feed and
   * carriage return.
   */
  public static String shorten(String text) {
    String stripped = text.strip(); // the same instance when there is nothing to strip
    int length = stripped.length();
    if (length <= MAX_LENGTH && !needsFolding(stripped)) {
      return stripped;
    }
    StringBuilder folded = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      char c = stripped.charAt(i);
      if (!isSpace(c)) {
        folded.append(c);
      } else if (!isSpace(stripped.charAt(i - 1))) { // the first of a run (never at 0: the text is stripped)
        folded.append(' ');
      }
    }
    return folded.length() <= MAX_LENGTH ? folded.toString() : folded.substring(0, MAX_LENGTH - 3) + "...";
  }

  /** Whether a stripped text holds whitespace other than single spaces. */
  private static boolean needsFolding(String stripped) {
    for (int i = 0, n = stripped.length(); i < n; i++) {
      char c = stripped.charAt(i);
      if (isSpace(c) && (c != ' ' || isSpace(stripped.charAt(i + 1)))) { // a stripped text ends in non-space
        return true;
      }
    }
    return false;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
  }
}
