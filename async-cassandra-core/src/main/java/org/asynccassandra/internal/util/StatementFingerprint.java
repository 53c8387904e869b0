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

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.type.codec.registry.CodecRegistry;
import com.datastax.oss.driver.internal.core.data.ValuesHelper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The 16-byte fingerprint that binds a resume token to its statement: SHA-256 of the query text, the
 * keyspace and the serialized bound values (for a batch, its type and each of its statements in order). The
 * page size is left out, so a stream may resume with another fetch size.
 */
public final class StatementFingerprint {
  private StatementFingerprint() {}

  public static byte[] of(Statement<?> statement, CqlSession session) {
    MessageDigest digest = sha256();
    update(digest, "async-cassandra statement v1");
    update(digest, statement, session);
    return Arrays.copyOf(digest.digest(), 16);
  }

  private static void update(MessageDigest digest, Statement<?> statement, CqlSession session) {
    CodecRegistry codecs = session.getContext().getCodecRegistry();
    ProtocolVersion version = session.getContext().getProtocolVersion();
    if (statement instanceof SimpleStatement) {
      SimpleStatement simple = (SimpleStatement) statement;
      update(digest, simple.getQuery());
      update(digest, keyspace(simple.getKeyspace(), session));
      List<Object> positional = simple.getPositionalValues();
      update(digest, "positional " + positional.size());
      for (Object value : positional) {
        update(digest, encode(value, codecs, version));
      }
      Map<String, Object> named = new TreeMap<>();
      simple.getNamedValues().forEach((name, value) -> named.put(name.asInternal(), value));
      update(digest, "named " + named.size());
      for (Map.Entry<String, Object> entry : named.entrySet()) {
        update(digest, entry.getKey());
        update(digest, encode(entry.getValue(), codecs, version));
      }
    } else if (statement instanceof BoundStatement) {
      BoundStatement bound = (BoundStatement) statement;
      update(digest, bound.getPreparedStatement().getQuery());
      update(digest, keyspace(boundKeyspace(bound), session));
      update(digest, "bound " + bound.size());
      for (int i = 0; i < bound.size(); i++) {
        update(digest, bound.getBytesUnsafe(i));
      }
    } else if (statement instanceof BatchStatement) {
      // A conditional batch returns a row ([applied], and the rows that failed the condition): it streams,
      // and its position is asked for like any stream's.
      BatchStatement batch = (BatchStatement) statement;
      update(digest, "batch " + batch.getBatchType().getProtocolCode() + " " + batch.size());
      update(digest, keyspace(batch.getKeyspace(), session));
      for (Statement<?> inner : batch) {
        update(digest, inner, session);
      }
    } else {
      update(digest, statement.getClass().getName());
      update(digest, keyspace(statement.getKeyspace(), session));
    }
  }

  /**
   * The keyspace a bound statement reads: the driver leaves {@link BoundStatement#getKeyspace()} null, so the
   * keyspace of its variables' table, or else of its result columns' (a statement prepared with a keyspace of
   * its own and no variable: {@code SELECT * FROM items} in two keyspaces must not share tokens), or else none.
   */
  private static @Nullable CqlIdentifier boundKeyspace(BoundStatement bound) {
    if (bound.getKeyspace() != null) {
      return bound.getKeyspace();
    }
    ColumnDefinitions variables = bound.getPreparedStatement().getVariableDefinitions();
    if (variables.size() > 0) {
      return variables.get(0).getKeyspace();
    }
    ColumnDefinitions results = bound.getPreparedStatement().getResultSetDefinitions();
    return results.size() > 0 ? results.get(0).getKeyspace() : null;
  }

  private static String keyspace(@Nullable CqlIdentifier keyspace, CqlSession session) {
    if (keyspace != null) {
      return keyspace.asInternal();
    }
    return session.getKeyspace().map(CqlIdentifier::asInternal).orElse("");
  }

  /**
   * A simple statement's value as the driver sends it: its own mapping, which also takes the {@code Token}s of
   * a token-range query ({@code token(pk) > ?}), for which the registry has no codec.
   */
  private static @Nullable ByteBuffer encode(@Nullable Object value, CodecRegistry codecs, ProtocolVersion version) {
    return ValuesHelper.encodeToDefaultCqlMapping(value, codecs, version);
  }

  private static void update(MessageDigest digest, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
    digest.update(bytes);
  }

  private static void update(MessageDigest digest, @Nullable ByteBuffer value) {
    if (value == null) {
      digest.update(ByteBuffer.allocate(4).putInt(-1).array());
      return;
    }
    digest.update(ByteBuffer.allocate(4).putInt(value.remaining()).array());
    digest.update(value.duplicate());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException unavailable) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", unavailable);
    }
  }
}
