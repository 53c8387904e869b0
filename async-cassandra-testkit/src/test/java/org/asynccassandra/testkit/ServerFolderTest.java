package org.asynccassandra.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerFolderTest {
  @TempDir
  Path tmp;

  @Test
  void should_delete_folders_whose_lock_nobody_holds_and_keep_the_others() throws IOException {
    Path abandoned = folder("async-cassandra-1", true);
    Path notOurs = folder("async-cassandra-2", false);
    Path otherName = folder("something-else", true);
    Path held = folder("async-cassandra-3", true);
    try (FileChannel channel = FileChannel.open(held.resolve(ServerFolder.LOCK_FILE), StandardOpenOption.WRITE)) {
      channel.lock();
      ServerFolder.sweepStale(tmp);
    }
    assertThat(abandoned).doesNotExist();
    assertThat(notOurs).isDirectory();
    assertThat(otherName).isDirectory();
    assertThat(held).isDirectory();
  }

  @Test
  void should_create_a_locked_folder_and_delete_it_idempotently() {
    ServerFolder folder = ServerFolder.create();
    try {
      assertThat(folder.path().getFileName().toString()).startsWith("async-cassandra-");
      assertThat(folder.path().resolve("conf")).isDirectory();
      assertThat(folder.path().resolve("tmp")).isDirectory();
      ServerFolder.sweepStale(folder.path().getParent()); // locked by this JVM: kept
      assertThat(folder.path()).isDirectory();
    } finally {
      folder.delete();
      folder.delete();
    }
    assertThat(folder.path()).doesNotExist();
  }

  private Path folder(String name, boolean withLock) throws IOException {
    Path folder = Files.createDirectories(tmp.resolve(name).resolve("data/data"));
    Files.writeString(folder.resolve("some.db"), "x");
    Path root = tmp.resolve(name);
    if (withLock) {
      Files.writeString(root.resolve(ServerFolder.LOCK_FILE), "pid");
    }
    return root;
  }
}
