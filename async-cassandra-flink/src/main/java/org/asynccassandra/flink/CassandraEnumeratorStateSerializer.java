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
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * The bytes of a {@link CassandraEnumeratorState}. Version 1: whether planned, the split serializer's
 * version, the number of splits, then each split as {@link CassandraSplitSerializer} writes it in that
 * version. The splits carry their own version, so a new split format (version 2 added the query fingerprint)
 * needs no new version here: a state of splits of version 1 is still read. Stateless and thread-safe.
 */
final class CassandraEnumeratorStateSerializer implements SimpleVersionedSerializer<CassandraEnumeratorState> {
  static final CassandraEnumeratorStateSerializer INSTANCE = new CassandraEnumeratorStateSerializer();
  static final int VERSION = 1;

  @Override
  public int getVersion() {
    return VERSION;
  }

  @Override
  public byte[] serialize(CassandraEnumeratorState state) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeBoolean(state.isPlanned());
      out.writeInt(CassandraSplitSerializer.VERSION);
      out.writeInt(state.unassignedSplits().size());
      for (CassandraSplit split : state.unassignedSplits()) {
        CassandraSplitSerializer.write(split, out);
      }
    }
    return bytes.toByteArray();
  }

  @Override
  public CassandraEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
    if (version != VERSION) {
      throw new IOException("Unknown version of a serialized CassandraEnumeratorState: " + version
          + " (this library reads " + VERSION + ")");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
      boolean planned = in.readBoolean();
      int splitVersion = in.readInt();
      int count = in.readInt();
      if (count < 0 || count > 10_000_000) {
        throw new IOException("A serialized CassandraEnumeratorState claims " + count + " splits");
      }
      if (!planned && count > 0) {
        throw new IOException("A serialized CassandraEnumeratorState of a source not planned yet claims " + count
            + " splits");
      }
      List<CassandraSplit> splits = new ArrayList<>(Math.min(count, 100_000));
      for (int i = 0; i < count; i++) {
        splits.add(CassandraSplitSerializer.read(splitVersion, in));
      }
      if (in.read() != -1) {
        throw new IOException("A serialized CassandraEnumeratorState has bytes after its end");
      }
      return planned ? CassandraEnumeratorState.planned(splits) : CassandraEnumeratorState.notPlanned();
    } catch (java.io.EOFException truncated) {
      throw new IOException("A serialized CassandraEnumeratorState (version " + version + ") ends too soon: its "
          + "bytes were cut", truncated);
    }
  }
}
