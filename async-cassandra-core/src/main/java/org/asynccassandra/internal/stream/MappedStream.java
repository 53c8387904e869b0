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
package org.asynccassandra.internal.stream;

import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.function.Function;
import org.asynccassandra.Page;
import org.asynccassandra.ResultStream;
import org.asynccassandra.StreamStats;

/**
 * The stream {@code RowStream.map} returns: the same {@link DefaultRowStream}, whose sinks hand out the
 * mapper's values instead of rows. The casts are safe because the stream's {@link Mapping} made every value
 * with the {@code RowMapper<? extends T>} given to {@code map}.
 */
final class MappedStream<T> implements ResultStream<T> {
  private final DefaultRowStream stream;

  MappedStream(DefaultRowStream stream) {
    this.stream = stream;
  }

  @Override
  @SuppressWarnings("unchecked")
  public CompletionStage<Void> forEach(Consumer<? super T> consumer) {
    return stream.forEachValue((Consumer<Object>) consumer, false);
  }

  @Override
  @SuppressWarnings("unchecked")
  public CompletionStage<Void> forEachAsync(Function<? super T, ? extends CompletionStage<?>> action) {
    return stream.forEachValueAsync((Function<Object, ? extends CompletionStage<?>>) action, false);
  }

  @Override
  @SuppressWarnings("unchecked")
  public CompletionStage<Void> forEachPage(Consumer<? super Page<T>> consumer) {
    return stream.forEachValuePage((Consumer<Object>) consumer, false);
  }

  @Override
  @SuppressWarnings("unchecked")
  public CompletionStage<Optional<Page<T>>> nextPage() {
    return (CompletionStage<Optional<Page<T>>>) (CompletionStage<?>) stream.nextValuePage(false);
  }

  @Override
  @SuppressWarnings("unchecked")
  public Flow.Publisher<T> rows() {
    return (Flow.Publisher<T>) stream.valueRows(this);
  }

  @Override
  @SuppressWarnings("unchecked")
  public Flow.Publisher<Page<T>> pages() {
    return (Flow.Publisher<Page<T>>) (Flow.Publisher<?>) stream.valuePages(this);
  }

  @Override
  @SuppressWarnings("unchecked")
  public Iterator<T> iterator() {
    return (Iterator<T>) stream.valueIterator(this);
  }

  @Override
  public Iterable<T> blocking() {
    return DefaultRowStream.singleUse(this::iterator);
  }

  @Override
  public StreamStats stats() {
    return stream.stats();
  }

  @Override
  public Optional<ColumnDefinitions> columnDefinitions() {
    return stream.columnDefinitions();
  }

  @Override
  public CompletionStage<Void> closeAsync() {
    return stream.closeAsync();
  }

  @Override
  public void close() {
    stream.close();
  }

  @Override
  public void closeExceptionally(Throwable cause) {
    stream.closeExceptionally(cause);
  }

  @Override
  public String toString() {
    return "Mapped" + stream;
  }
}
