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
package org.asynccassandra.bench;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A new folder under the system's temporary folder that {@link #close()} deletes with everything in it.
 * Not thread-safe; close it once, after whatever wrote into it has ended.
 */
final class TempFolder implements AutoCloseable {
  private final Path path;
  /**
   * Deletes the folder when the JVM exits before {@link #close} (Ctrl-C during the export scenario left an
   * unpacked CLI and exports as large as the table in the temporary folder).
   */
  private final Thread atExit;

  private TempFolder(Path path) {
    this.path = path;
    this.atExit = new Thread(() -> {
      try {
        delete(path);
      } catch (IOException | RuntimeException failure) {
        System.err.println("Could not delete " + path + " at exit: " + failure);
      }
    }, "bench-temp-folder-cleanup");
    Runtime.getRuntime().addShutdownHook(atExit);
  }

  static TempFolder create(String prefix) throws IOException {
    return new TempFolder(Files.createTempDirectory(prefix));
  }

  Path path() {
    return path;
  }

  /** Deletes the folder and its content. */
  @Override
  public void close() throws IOException {
    try {
      Runtime.getRuntime().removeShutdownHook(atExit);
    } catch (IllegalStateException exiting) {
      // the JVM is exiting: the hook deletes it too
    }
    delete(path);
  }

  /** Deletes a file, or a folder with its content; nothing when it does not exist. Links are not followed. */
  static void delete(Path path) throws IOException {
    if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(path, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
        if (failure instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw failure;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path folder, IOException failure) throws IOException {
        if (failure != null && !(failure instanceof NoSuchFileException)) {
          throw failure;
        }
        Files.deleteIfExists(folder);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
