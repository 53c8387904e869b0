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

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfig;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** How statements are described in messages: whitespace folded, ends stripped, long texts cut. */
class QueriesTest {
  /** What {@link Queries#shorten} did with a regular expression before it was written as one pass. */
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private static String byRegex(String text) {
    String folded = WHITESPACE.matcher(text.strip()).replaceAll(" ");
    return folded.length() <= 200 ? folded : folded.substring(0, 197) + "...";
  }

  @Test
  void should_return_a_one_line_query_itself_without_a_copy() {
    String query = "SELECT pk, ck, payload FROM ks.t WHERE pk = ? LIMIT 50";
    assertThat(Queries.shorten(query)).isSameAs(query);
  }

  @Test
  void should_fold_runs_of_whitespace_and_strip_the_ends() {
    assertThat(Queries.shorten("\n  SELECT *\n    FROM t\t\tWHERE  k = ?\r\n")).isEqualTo("SELECT * FROM t WHERE k = ?");
    assertThat(Queries.shorten("a\u000Bb\fc")).isEqualTo("a b c");
    assertThat(Queries.shorten("   ")).isEmpty();
  }

  @Test
  void should_cut_a_long_text_at_a_readable_length() {
    String exact = "x".repeat(200);
    assertThat(Queries.shorten(exact)).isSameAs(exact);
    assertThat(Queries.shorten("x".repeat(201))).isEqualTo("x".repeat(197) + "...");
    assertThat(Queries.shorten("x".repeat(100) + "\n\n" + "y".repeat(99))).isEqualTo("x".repeat(100) + " "
        + "y".repeat(99)).hasSize(200);
  }

  @Test
  void should_describe_every_text_as_the_regular_expression_did() {
    char[] alphabet = {'a', 'B', ' ', ' ', '\t', '\n', '\r', '\u000B', '\f', '\u2003', '\u00A0', '\u001C', 'é'};
    SplittableRandom random = new SplittableRandom(20261203);
    for (int text = 0; text < 20_000; text++) {
      StringBuilder builder = new StringBuilder();
      int length = random.nextInt(text % 10 == 0 ? 400 : 40);
      for (int i = 0; i < length; i++) {
        builder.append(alphabet[random.nextInt(alphabet.length)]);
      }
      String input = builder.toString();
      assertThat(Queries.shorten(input)).as("shorten(%s)", input.chars().mapToObj(Integer::toHexString).toList())
          .isEqualTo(byRegex(input));
    }
  }

  @Test
  void should_take_idempotence_from_the_statements_own_execution_profile() {
    // An unmarked statement that names a profile where idempotence is off was retried by the default
    // profile's setting (on): a conditional update could apply twice.
    DriverConfig config = DriverConfigLoader.programmaticBuilder()
        .withBoolean(DefaultDriverOption.REQUEST_DEFAULT_IDEMPOTENCE, true)
        .startProfile("strict").withBoolean(DefaultDriverOption.REQUEST_DEFAULT_IDEMPOTENCE, false).endProfile()
        .build().getInitialConfig();
    SimpleStatement update = SimpleStatement.newInstance("UPDATE ks.t SET v = 1 WHERE k = 1 IF v = 0");

    assertThat(Queries.isIdempotent(update, config)).as("the default profile's").isTrue();
    assertThat(Queries.isIdempotent(update.setExecutionProfileName("strict"), config)).isFalse();
    assertThat(Queries.isIdempotent(update.setExecutionProfile(config.getProfile("strict")), config)).isFalse();
    assertThat(Queries.isIdempotent(update.setExecutionProfileName("strict").setIdempotent(true), config))
        .as("marked").isTrue();
    assertThat(Queries.isIdempotent(update.setExecutionProfileName("missing"), config))
        .as("a profile the config lacks: the request fails with the driver's message").isTrue();
  }
}
