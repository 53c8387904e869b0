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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerFolderTest {
  @TempDir
  Path tmp;

  @Test
  void should_delete_folders_whose_lock_nobody_holds_and_keep_the_others() throws IOException {
    Path abandoned = folder("async-cassandra-1", Lock.BESIDE);
    Path abandonedEarlier = folder("async-cassandra-4", Lock.INSIDE); // as earlier versions locked
    Path notOurs = folder("async-cassandra-2", Lock.NONE);
    Path otherName = folder("something-else", Lock.BESIDE);
    Path held = folder("async-cassandra-3", Lock.BESIDE);
    Path lockWithoutFolder = old(Files.writeString(tmp.resolve("async-cassandra-5" + ServerFolder.LOCK_SUFFIX), ""));
    try (FileChannel channel = FileChannel.open(ServerFolder.lockFile(held), StandardOpenOption.WRITE)) {
      channel.lock();
      ServerFolder.sweepStale(tmp);
    }
    assertThat(abandoned).doesNotExist();
    assertThat(ServerFolder.lockFile(abandoned)).doesNotExist();
    assertThat(abandonedEarlier).doesNotExist();
    assertThat(lockWithoutFolder).doesNotExist();
    assertThat(notOurs).isDirectory();
    assertThat(otherName).isDirectory();
    assertThat(held).isDirectory();
    assertThat(ServerFolder.lockFile(held)).exists();
  }

  @Test
  void should_keep_a_folder_whose_lock_file_is_too_young_to_judge() throws IOException {
    // Another JVM creates the lock file, then locks it: a sweep in between saw it free and deleted the folder.
    Path beingCreated = folder("async-cassandra-1", Lock.BESIDE);
    Files.setLastModifiedTime(ServerFolder.lockFile(beingCreated), FileTime.from(Instant.now()));
    Path lockWithoutFolderYet = Files.writeString(tmp.resolve("async-cassandra-2" + ServerFolder.LOCK_SUFFIX), "");
    Path abandoned = folder("async-cassandra-3", Lock.BESIDE);
    ServerFolder.sweepStale(tmp);
    assertThat(beingCreated.resolve("data/data/some.db")).exists();
    assertThat(ServerFolder.lockFile(beingCreated)).exists();
    assertThat(lockWithoutFolderYet).exists();
    assertThat(abandoned).doesNotExist();
    assertThat(ServerFolder.lockFile(abandoned)).doesNotExist();
  }

  @Test
  void should_stay_locked_for_other_jvms_when_this_one_reads_every_file_in_it() throws Exception {
    // The lock was a file in the folder: a test that zipped the folder (its logs, after a failure) read it, and
    // closing that handle dropped this JVM's POSIX lock; the next JVM to start a server deleted the live node's
    // folder.
    ServerFolder folder = ServerFolder.create();
    try {
      Files.writeString(folder.path().resolve("logs").resolve("system.log"), "a log line\n");
      try (Stream<Path> files = Files.walk(folder.path())) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          Files.readAllBytes(file);
        }
      }
      // The child ages the lock file first, so that its sweep judges it by its lock: the lock file of a folder
      // just created is too young to judge. Not here: setting the time opens the file, and closing that handle
      // would drop this JVM's lock.
      Process sweep = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
          System.getProperty("java.class.path"), SweepInChild.class.getName(), folder.path().getParent().toString(),
          ServerFolder.lockFile(folder.path()).toString())
          .redirectErrorStream(true).start();
      String output = new String(sweep.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // until it exits
      assertThat(sweep.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
      assertThat(sweep.exitValue()).as(output).isZero();
      assertThat(folder.path().resolve("logs").resolve("system.log")).as(output).exists();
    } finally {
      folder.delete();
    }
    assertThat(folder.path()).doesNotExist();
    assertThat(ServerFolder.lockFile(folder.path())).doesNotExist();
  }

  /**
   * Sweeps the folder given as the first argument, as another JVM's first server does, after setting the
   * modification time of the lock file given as the second argument back by an hour.
   */
  static final class SweepInChild {
    public static void main(String[] args) throws IOException {
      old(Path.of(args[1]));
      ServerFolder.sweepStale(Path.of(args[0]));
    }
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

  private enum Lock { NONE, INSIDE, BESIDE }

  private Path folder(String name, Lock lock) throws IOException {
    Path folder = Files.createDirectories(tmp.resolve(name).resolve("data/data"));
    Files.writeString(folder.resolve("some.db"), "x");
    Path root = tmp.resolve(name);
    if (lock == Lock.INSIDE) {
      old(Files.writeString(root.resolve(ServerFolder.LOCK_FILE), "pid"));
    } else if (lock == Lock.BESIDE) {
      old(Files.writeString(ServerFolder.lockFile(root), ""));
    }
    return root;
  }

  /** Sets the modification time of {@code lock} an hour back: old enough for a sweep to judge it. */
  private static Path old(Path lock) throws IOException {
    return Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
  }
}
