package org.asynccassandra.internal.util;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;

/** Describes statements in error messages. */
public final class Queries {
  private static final int MAX_LENGTH = 200;

  private Queries() {}

  /** The query text of a statement, shortened for messages. */
  public static String describe(Statement<?> statement) {
    String text;
    if (statement instanceof SimpleStatement) {
      text = ((SimpleStatement) statement).getQuery();
    } else if (statement instanceof BoundStatement) {
      text = ((BoundStatement) statement).getPreparedStatement().getQuery();
    } else if (statement instanceof BatchStatement) {
      text = "BATCH of " + ((BatchStatement) statement).size() + " statements";
    } else {
      text = statement.getClass().getSimpleName();
    }
    return shorten(text);
  }

  /** The text with whitespace folded, cut at a readable length. */
  public static String shorten(String text) {
    String folded = text.strip().replaceAll("\\s+", " ");
    return folded.length() <= MAX_LENGTH ? folded : folded.substring(0, MAX_LENGTH - 3) + "...";
  }
}
