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
package org.asynccassandra.flink;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanRange;

/**
 * The bytes of a {@link CassandraSplit}, in Flink checkpoints and on the way from the enumerator to a
 * reader. Version 2: the split id, the range's two tokens, the replicas, the fingerprint of the source's
 * query (a flag, then the text) and the position in the text form of {@link ScanCheckpoint#encode()} (which
 * carries its own version), or nothing. Version 1, still read, has no fingerprint: such a split is read
 * without one, and accepted by any source as before. Stateless and thread-safe.
 */
final class CassandraSplitSerializer implements SimpleVersionedSerializer<CassandraSplit> {
  static final CassandraSplitSerializer INSTANCE = new CassandraSplitSerializer();
  static final int VERSION = 2;

  @Override
  public int getVersion() {
    return VERSION;
  }

  @Override
  public byte[] serialize(CassandraSplit split) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      write(split, out);
    }
    return bytes.toByteArray();
  }

  @Override
  public CassandraSplit deserialize(int version, byte[] serialized) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
      CassandraSplit split = read(version, in);
      if (in.read() != -1) {
        throw new IOException("A serialized CassandraSplit has bytes after its end (" + serialized.length
            + " bytes in all)");
      }
      return split;
    }
  }

  static void write(CassandraSplit split, DataOutputStream out) throws IOException {
    writeText(out, split.splitId());
    writeText(out, split.range().start());
    writeText(out, split.range().end());
    out.writeInt(split.replicas().size());
    for (String replica : split.replicas()) {
      writeText(out, replica);
    }
    String fingerprint = split.queryFingerprint();
    out.writeBoolean(fingerprint != null);
    if (fingerprint != null) {
      writeText(out, fingerprint);
    }
    out.writeBoolean(split.position().isPresent());
    if (split.position().isPresent()) {
      writeText(out, split.position().get().encode());
    }
  }

  static CassandraSplit read(int version, DataInputStream in) throws IOException {
    if (version != 1 && version != VERSION) {
      throw new IOException("Unknown version of a serialized CassandraSplit: " + version + " (this library reads "
          + "1 to " + VERSION + ")");
    }
    try {
      String id = readText(in);
      ScanRange range = ScanRange.of(readText(in), readText(in));
      int count = in.readInt();
      if (count < 0 || count > 1_000) {
        throw new IOException("A serialized CassandraSplit claims " + count + " replicas");
      }
      List<String> replicas = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        replicas.add(readText(in));
      }
      String fingerprint = version >= 2 && in.readBoolean() ? readText(in) : null;
      ScanCheckpoint position = in.readBoolean() ? ScanCheckpoint.decode(readText(in)) : null;
      return new CassandraSplit(id, range, replicas, fingerprint, position);
    } catch (IllegalArgumentException invalid) {
      throw new IOException("Not a valid serialized CassandraSplit: " + invalid.getMessage(), invalid);
    } catch (java.io.EOFException truncated) {
      throw new IOException("A serialized CassandraSplit (version " + version + ") ends too soon: its bytes were "
          + "cut", truncated);
    }
  }

  /** UTF-8 with an int length: {@code writeUTF} stops at 64 KiB, and a position with many pieces may not. */
  private static void writeText(DataOutputStream out, String text) throws IOException {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readText(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > 64 << 20) {
      throw new IOException("A serialized CassandraSplit claims a text of " + length + " bytes");
    }
    byte[] utf8 = new byte[length];
    in.readFully(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }
}
