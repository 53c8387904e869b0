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
