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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's temporary folder ({@code async-cassandra-*} in java.io.tmpdir) holding its configuration, data,
 * logs and temporary files. While the folder is in use this JVM holds a lock on a file beside it, the folder's
 * name with {@value #LOCK_SUFFIX} appended; the operating system releases it when the JVM dies, however it
 * dies. The first folder a JVM creates deletes the folders whose lock is free: those that a killed JVM could
 * not delete. It leaves lock files younger than a minute alone (another JVM may be between creating one and
 * locking it). Folders without a lock file (not ours) are never touched.
 *
 * <p>The lock file is outside the folder because the lock is a POSIX lock, which the operating system drops
 * as soon as this JVM closes <em>any</em> handle on that file: a test that copied or zipped the folder (its
 * logs, after a failure) read a lock file inside it, freed the lock of a node still running, and the next
 * JVM to start a server deleted that node's data. Nothing in the folder is locked; its {@value #OWNER_FILE}
 * names the JVM that uses it. Folders of earlier versions, with their lock file {@value #LOCK_FILE} inside,
 * are still swept.
 *
 * <p>Thread-safe.
 */
final class ServerFolder {
  private static final Logger LOG = LoggerFactory.getLogger(ServerFolder.class);
  static final String PREFIX = "async-cassandra-";
  /** The lock file inside the folder, as earlier versions had it: only swept. */
  static final String LOCK_FILE = "testkit.lock";
  /** What the lock file beside a folder is named: the folder's name, then this. */
  static final String LOCK_SUFFIX = ".testkit-lock";
  /** The file in the folder that names the JVM using it, for people (and tests) who look. */
  static final String OWNER_FILE = "testkit.owner";
  /**
   * How old a lock file must be before a sweep may judge it: another JVM creates a folder's lock file and then
   * locks it, and a sweep that probed between the two saw a lock nobody held and deleted a folder being created.
   * That JVM locks within microseconds; a dead JVM's lock file is older.
   */
  static final Duration MIN_AGE_TO_SWEEP = Duration.ofSeconds(60);
  /**
   * Held while this JVM sweeps and while it creates a folder: a sweep that probed the lock file of a folder
   * being created (not in {@link #OURS} yet) saw it free and deleted the folder, or made the creator's lock
   * fail, and closing the probe's channel would release this JVM's own lock (POSIX).
   */
  private static final Object SWEEP_AND_CREATE = new Object();
  private static boolean swept; // guarded by SWEEP_AND_CREATE
  /**
   * This JVM's folders, never probed: closing a probe's channel would release this JVM's own lock on the
   * file (POSIX locks belong to the process; see {@link FileLock}).
   */
  private static final Set<Path> OURS = ConcurrentHashMap.newKeySet();

  private final Path path;
  /** Held from creation until {@link #delete()}; null once deleted. Guarded by this. */
  private FileChannel lockChannel;

  private ServerFolder(Path path, FileChannel lockChannel) {
    this.path = path;
    this.lockChannel = lockChannel;
  }

  /** Creates and locks a new folder, after deleting those that dead JVMs left (once per JVM). */
  static ServerFolder create() {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    synchronized (SWEEP_AND_CREATE) { // a few file operations; a sweep is once per JVM
      if (!swept) {
        swept = true;
        sweepStale(tmp);
      }
      return createIn(tmp);
    }
  }

  private static ServerFolder createIn(Path tmp) {
    assert Thread.holdsLock(SWEEP_AND_CREATE);
    Path path = null;
    FileChannel channel = null;
    try {
      path = Files.createTempDirectory(tmp, PREFIX);
      channel = FileChannel.open(lockFile(path), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      channel.lock();
      OURS.add(path);
      Files.writeString(path.resolve(OWNER_FILE), "Used by the async-cassandra testkit in JVM "
          + ProcessHandle.current().pid() + " while its Cassandra node runs; locked by " + lockFile(path)
          + " beside it.\n");
      for (String sub : new String[] {"conf", "logs", "data", "tmp"}) {
        Files.createDirectories(path.resolve(sub));
      }
      return new ServerFolder(path, channel);
    } catch (IOException | OverlappingFileLockException failure) { // overlapping: locked in this JVM already
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException alsoFailed) {
          failure.addSuppressed(alsoFailed);
        }
      }
      if (path != null) {
        deleteTree(path);
        delete(lockFile(path));
        OURS.remove(path);
      }
      throw new CassandraStartException("Cannot create a server folder in " + tmp + ": " + failure, failure);
    }
  }

  Path path() {
    return path;
  }

  /** Releases the lock and deletes the folder. Idempotent. The node must not be running. */
  synchronized void delete() {
    if (lockChannel == null) {
      return;
    }
    try {
      lockChannel.close(); // releases the lock
    } catch (IOException ignored) {
      // the folder goes anyway
    }
    lockChannel = null;
    deleteTree(path);
    delete(lockFile(path));
    OURS.remove(path);
  }

  /** The lock file of {@code folder}: beside it, never in it. */
  static Path lockFile(Path folder) {
    return folder.resolveSibling(folder.getFileName() + LOCK_SUFFIX);
  }

  /**
   * Deletes every {@code async-cassandra-*} folder in {@code tmp} that has a lock file (beside it, or inside
   * it as earlier versions had it) nobody holds, and lock files beside no folder that nobody holds; lock files
   * younger than {@link #MIN_AGE_TO_SWEEP} are left alone, with their folders.
   */
  static void sweepStale(Path tmp) {
    synchronized (SWEEP_AND_CREATE) {
      sweepStaleLocked(tmp);
    }
  }

  private static void sweepStaleLocked(Path tmp) {
    Instant youngerThan = Instant.now().minus(MIN_AGE_TO_SWEEP);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp, PREFIX + "*")) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.endsWith(LOCK_SUFFIX)) {
          Path folder = entry.resolveSibling(name.substring(0, name.length() - LOCK_SUFFIX.length()));
          if (!OURS.contains(folder) && !Files.exists(folder) && Files.isRegularFile(entry)
              && abandoned(entry, youngerThan)) {
            delete(entry); // its folder is gone: a JVM died between deleting the folder and its lock
          }
          continue;
        }
        Path lock = Files.isRegularFile(lockFile(entry)) ? lockFile(entry) : entry.resolve(LOCK_FILE);
        if (!OURS.contains(entry) && Files.isDirectory(entry) && Files.isRegularFile(lock)
            && abandoned(lock, youngerThan)) {
          LOG.info("Deleting {}, left behind by a JVM that died before it could", entry);
          deleteTree(entry);
          if (!lock.startsWith(entry)) {
            delete(lock);
          }
        }
      }
    } catch (IOException | UncheckedIOException unreadable) {
      LOG.debug("Could not look for stale folders in {}: {}", tmp, unreadable.toString());
    }
  }

  /**
   * Whether nobody holds {@code lock}, modified before {@code youngerThan}: a younger one may be another JVM's
   * that it has created and not locked yet, and is not probed.
   */
  private static boolean abandoned(Path lock, Instant youngerThan) {
    try {
      if (Files.getLastModifiedTime(lock).toInstant().isAfter(youngerThan)) {
        return false; // perhaps being created: a later sweep judges it
      }
    } catch (IOException unreadable) {
      return false;
    }
    try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE)) {
      FileLock probe = channel.tryLock();
      if (probe == null) {
        return false; // another process holds it
      }
      probe.release();
      return true;
    } catch (OverlappingFileLockException ours) {
      return false; // this JVM holds it
    } catch (IOException unreadable) {
      return false; // not ours to judge (another user's folder, for example)
    }
  }

  /** Deletes a tree, going on past files that vanish or resist, and logging those that resist. */
  static void deleteTree(Path root) {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
          delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException failure) {
          delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path directory, IOException failure) {
          delete(directory);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException failure) {
      LOG.warn("Could not delete {}: {}", root, failure.toString());
    }
  }

  private static void delete(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException busy) {
      LOG.warn("Could not delete {}: {}", path, busy.toString());
    }
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
