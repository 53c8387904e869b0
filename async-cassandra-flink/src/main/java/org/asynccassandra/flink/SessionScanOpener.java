package org.asynccassandra.flink;

import com.datastax.oss.driver.api.core.CqlSession;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.TableScan;
import org.jspecify.annotations.Nullable;

/**
 * The {@link ScanOpener} of a running job: one driver session per reader, connected with
 * {@link com.datastax.oss.driver.api.core.CqlSessionBuilder#buildAsync()}, and
 * {@link AsyncSession#scanTable} per split.
 */
final class SessionScanOpener implements ScanOpener {
  private final SourceSettings settings;
  private @Nullable CompletableFuture<CqlSession> connecting; // task thread only
  /** Set once connected (by the driver's thread), read by the task thread. */
  private volatile @Nullable AsyncSession session;

  SessionScanOpener(SourceSettings settings) {
    this.settings = settings;
  }

  @Override
  public CompletableFuture<Void> connect() {
    CompletableFuture<CqlSession> started = settings.sessions().sessionBuilder().buildAsync().toCompletableFuture();
    connecting = started;
    return started.thenAccept(cql -> session = AsyncSession.wrap(cql));
  }

  @Override
  public TableScan open(CassandraSplit split) {
    AsyncSession connected = Objects.requireNonNull(session, "open() before the session was connected");
    return connected.scanTable(settings.keyspace(), settings.table(), settings.scanOf(split));
  }

  @Override
  public void close() {
    CompletableFuture<CqlSession> started = connecting;
    if (started == null) {
      return;
    }
    AsyncSession connected = session;
    if (connected != null) {
      connected.close(); // closes the scans still open; the driver session is ours to close below
    }
    if (started.isDone() && !started.isCompletedExceptionally()) {
      started.join().close();
    } else {
      // Still connecting: close it when it is there; nothing waits for it.
      CompletionStage<CqlSession> late = started;
      late.whenComplete((cql, failure) -> {
        if (cql != null) {
          cql.closeAsync();
        }
      });
    }
  }
}
