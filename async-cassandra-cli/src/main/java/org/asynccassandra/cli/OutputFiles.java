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
package org.asynccassandra.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;

/**
 * Checks of the files a command will write, made before it connects or reads anything, so that a wrong path
 * is a usage error (exit code 2) rather than a failure after the work, which would lose that work.
 */
final class OutputFiles {
  private OutputFiles() {}

  /**
   * Refuses {@code file} for {@code option} when it is a folder or when its folder does not exist.
   *
   * @throws CommandLine.ParameterException naming the option and the path
   */
  static void checkWritableFile(CommandLine.Model.CommandSpec spec, String option, Path file) {
    if (Files.isDirectory(file)) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + " must name a file, not a folder: "
          + file);
    }
    Path folder = file.toAbsolutePath().getParent();
    if (folder != null && !Files.isDirectory(folder)) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + ": the folder " + folder
          + " does not exist: " + file);
    }
    if (isSpecial(file)) {
      return; // a device or a descriptor: written as it is, whatever its folder allows (/dev is not writable)
    }
    if (Files.exists(file) && !Files.isWritable(file)) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + file + " is not writable "
          + "(permission denied)");
    }
    if (folder != null && !Files.isWritable(folder)) { // its part file, or its temporary file, is made there
      throw new CommandLine.ParameterException(spec.commandLine(), option + ": the folder " + folder
          + " is not writable (permission denied): " + file);
    }
  }

  /**
   * Refuses two options that name the same file: each would overwrite what the other wrote.
   *
   * @param files each option's file, or null when the option is not given
   * @throws CommandLine.ParameterException naming both options and the file
   */
  static void checkDistinct(CommandLine.Model.CommandSpec spec, Map<String, Path> files) {
    Map<Path, String> seen = new LinkedHashMap<>();
    for (Map.Entry<String, Path> entry : files.entrySet()) {
      if (entry.getValue() == null) {
        continue;
      }
      String earlier = seen.putIfAbsent(canonical(entry.getValue()), entry.getKey());
      if (earlier != null) {
        throw new CommandLine.ParameterException(spec.commandLine(), earlier + " and " + entry.getKey()
            + " name the same file: " + entry.getValue());
      }
    }
  }

  /** The file's real path when it exists (links resolved), else its absolute, normalized path. */
  private static Path canonical(Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    try {
      return absolute.toRealPath();
    } catch (IOException notThere) {
      Path folder = absolute.getParent();
      try {
        return folder == null ? absolute : folder.toRealPath().resolve(absolute.getFileName());
      } catch (IOException noFolder) {
        return absolute;
      }
    }
  }

  /**
   * Where a command writes {@code file}: the file a symbolic link points to (replacing the link with a file
   * would leave the file it names as it was), else {@code file} itself; {@code file} itself when it reaches a
   * descriptor of this process ({@link #throughDescriptor}).
   */
  static Path target(Path file) {
    if (throughDescriptor(file)) {
      return file; // its link names whatever the descriptor holds now: written through it, as it is
    }
    if (Files.isSymbolicLink(file)) {
      try {
        return file.toRealPath();
      } catch (IOException dangling) {
        return file; // a link to nothing: written through, as a plain open would
      }
    }
    return file;
  }

  /**
   * Whether {@code file} exists and is not a regular file: a device ({@code /dev/null}) or a named pipe; or
   * whether it reaches a descriptor of this process ({@link #throughDescriptor}). Such an output is written as
   * it is, appending: renaming a file over it would replace the device or the pipe (as root, a
   * file would take the place of {@code /dev/null}), and it cannot be cut back or forced to disk.
   */
  static boolean isSpecial(Path file) {
    return throughDescriptor(file)
        || (Files.exists(file) && !Files.isRegularFile(file) && !Files.isDirectory(file));
  }

  /** The most links {@link #throughDescriptor} follows (Linux's own limit is 40). */
  private static final int MAX_LINKS = 40;
  private static final java.util.regex.Pattern DESCRIPTOR = java.util.regex.Pattern.compile(
      "/(proc/[^/]+|dev)/fd/[0-9]+");

  /**
   * Whether {@code file} reaches one of this process's file descriptors: {@code /dev/stdout}, {@code /dev/stderr},
   * {@code /dev/fd/N}, {@code /proc/self/fd/N}, or a link to one. Such a path names whatever the descriptor
   * holds, often the file a shell redirected the output to ({@code > out.txt}, {@code >> log}): renaming a file
   * over its link's target replaced the user's file (with {@code >>}, what it held before was lost), and opening
   * it to write from its start wrote over it; so it is written as a device is, in place and appending
   * ({@link #isSpecial}).
   */
  static boolean throughDescriptor(Path file) {
    Path current = file.toAbsolutePath().normalize();
    for (int links = 0; links <= MAX_LINKS; links++) {
      if (DESCRIPTOR.matcher(current.toString()).matches()) {
        return true;
      }
      if (!Files.isSymbolicLink(current)) {
        return false;
      }
      try {
        Path parent = current.getParent();
        Path link = Files.readSymbolicLink(current);
        current = (parent == null ? link : parent.resolve(link)).toAbsolutePath().normalize();
      } catch (IOException | RuntimeException unreadable) {
        return false;
      }
    }
    return false;
  }

  /**
   * Moves {@code from} over {@code to}: atomically where the file system can, else a plain replace, so that
   * {@code to} is the old file or the whole new one.
   */
  static void moveOver(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException notAtomic) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Deletes {@code file} if it is there, from a shutdown hook: the JVM exits, so a failure is left as it is. */
  static void deleteAtExit(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // nothing else to do about it: the file only takes room
    }
  }

  /**
   * An I/O failure in a few words for a one-line error: its kind and its message; a file system's refusal
   * without a reason (whose message is only the path) says what it was.
   */
  static String describe(IOException failure) {
    if (failure instanceof FileSystemException refused && refused.getReason() == null) {
      String what = failure instanceof AccessDeniedException ? "permission denied"
          : failure instanceof NoSuchFileException ? "no such file or folder"
          : failure instanceof FileAlreadyExistsException ? "the file exists already"
          : failure instanceof NotDirectoryException ? "not a folder"
          : failure instanceof DirectoryNotEmptyException ? "a folder that is not empty"
          : failure.getClass().getSimpleName();
      return what + ": " + refused.getMessage();
    }
    String kind = failure.getClass().getSimpleName();
    return failure.getMessage() == null ? kind : kind + " (" + failure.getMessage() + ")";
  }
}
