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
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds the class archive (AppCDS) that {@code bin/async-cassandra} maps on Java 19+, in a JVM of its own rather
 * than at the exit of the user's command: a JVM whose archive cannot be written at its exit (a full disk, a
 * quota) exits with 1 whatever its command did, and one killed while writing leaves a file that later runs
 * cannot map. The launcher runs {@code java OPTIONS -cp lib/* org.asynccassandra.cli.ClassArchive ARCHIVE} once,
 * before the command, when the archive is missing or older than the jars or the JDK; its JVM options are the
 * command's, which the archive must match.
 *
 * <p>It takes a lock beside the archive (one build at a time; the OS drops it if the JVM dies), deletes what
 * killed builds left, then runs the workload (it loads the classes that a connected run loads, as {@value
 * #CLASS_LIST} lists them, then runs the {@code count} and {@code export} commands of this installation against a
 * port of this machine where nothing listens: picocli, the driver's set-up, Netty, the failure path; no network
 * beyond loopback, no file written) in a child JVM with {@code
 * -XX:ArchiveClassesAtExit} writing to a temporary file, and moves that file into place only once the child
 * exited normally. So the archive is there whole, or not at all. Exits 0 when it built the archive, 1 when it
 * did not (the launcher then runs the command without one, as before), and then leaves {@code ARCHIVE.failed}
 * saying why: the launcher does not try again for this installation while that file is there.
 */
public final class ClassArchive {
  /** The argument that makes {@link #main} run the workload (in the child JVM). */
  static final String WORKLOAD = "--workload";
  private static final Duration TIMEOUT = Duration.ofMinutes(2);
  /** The classes a connected run loads, one binary name a line; {@code #} starts a comment line. */
  static final String CLASS_LIST = "archive-classes.txt";

  private ClassArchive() {}

  /**
   * {@code ARCHIVE}: builds it; {@value #WORKLOAD}: runs the workload.
   *
   * @param args the archive's path, or {@value #WORKLOAD}
   */
  public static void main(String[] args) throws Exception {
    if (args.length == 1 && args[0].equals(WORKLOAD)) {
      workload();
      System.exit(0);
    }
    if (args.length != 1) {
      System.err.println("usage: ClassArchive ARCHIVE (run by bin/async-cassandra)");
      System.exit(2);
    }
    System.exit(build(Path.of(args[0]), jvmOptions(), TIMEOUT) ? 0 : 1);
  }

  /**
   * Builds {@code archive} with a child JVM of these options (the class path is this JVM's).
   *
   * @return whether the archive was built; false when another build holds the lock, or the child failed
   */
  static boolean build(Path archive, List<String> options, Duration timeout) throws IOException, InterruptedException {
    Path file = archive.toAbsolutePath();
    Path folder = file.getParent();
    String prefix = file.getFileName() + ".tmp-";
    try (FileChannel channel = FileChannel.open(folder.resolve(".class-archive.lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
      if (lock == null) {
        return false; // another launch builds it now
      }
      // Under the lock, no other build runs: what is left is from builds that were killed.
      try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
        for (Path stale : files) {
          if (stale.getFileName().toString().startsWith(prefix)) {
            Files.deleteIfExists(stale);
          }
        }
      }
      deleteOtherArchives(folder, file.getFileName().toString());
      Path temporary = folder.resolve(prefix + ProcessHandle.current().pid());
      Path failed = folder.resolve(file.getFileName() + ".failed");
      String failure = "it stopped: " + file.getFileName() + " was not built";
      try {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(
            Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(options);
        command.addAll(List.of("-XX:ArchiveClassesAtExit=" + temporary, "-Xshare:auto", "-Xlog:cds=off",
            "-Xlog:cds+dynamic=off", "-cp", System.getProperty("java.class.path"), ClassArchive.class.getName(),
            WORKLOAD));
        Process child = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        child.getOutputStream().close();
        try {
          if (!child.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            failure = "its workload did not end within " + timeout.toSeconds() + " s";
            return false;
          }
        } finally {
          child.destroyForcibly();
          child.waitFor();
        }
        if (child.exitValue() != 0 || !Files.isRegularFile(temporary) || Files.size(temporary) == 0) {
          failure = "its JVM exited with " + child.exitValue() + " and " + (Files.isRegularFile(temporary)
              ? Files.size(temporary) + " bytes" : "no file") + " of archive: could it write " + temporary
              + " (a full disk, a quota)?";
          return false;
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        failure = null;
        Files.deleteIfExists(failed);
        return true;
      } catch (IOException broken) {
        failure = broken.toString();
        throw broken;
      } finally {
        Files.deleteIfExists(temporary);
        if (failure != null) {
          // bin/async-cassandra does not try again for this installation while it is there (a full disk would
          // cost every run the build's seconds); deleting it tries again.
          try {
            Files.writeString(failed, "The class archive of async-cassandra was not built: " + failure + "\n"
                + "Delete this file to try again.\n");
          } catch (IOException alsoBroken) {
            // nothing more to do: the next run tries again
          }
        }
      }
    }
  }

  /**
   * Deletes the archives of other versions of the CLI or of Java in {@code folder} (their {@code .failed} notes and
   * the temporary files of their killed builds too), all but {@code keep}'s: each upgrade left its archive of about
   * 20 MB in the cache folder for good. Two versions used in turn build theirs in turn (a few seconds each time).
   * Call under the build lock. Blocks on file I/O.
   */
  static void deleteOtherArchives(Path folder, String keep) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "cli-*.jsa*")) {
      for (Path other : files) {
        String name = other.getFileName().toString();
        if (!name.equals(keep) && !name.startsWith(keep + ".")) {
          Files.deleteIfExists(other);
        }
      }
    }
  }

  /** This JVM's options that the archive must match (the collector, the heap), without any archive option. */
  private static List<String> jvmOptions() {
    List<String> options = new ArrayList<>();
    for (String option : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!option.startsWith("-XX:SharedArchiveFile") && !option.startsWith("-XX:ArchiveClassesAtExit")
          && !option.contains("AutoCreateSharedArchive") && !option.startsWith("-Xshare")
          && !option.startsWith("-Xlog")) {
        options.add(option);
      }
    }
    return options;
  }

  /**
   * Loads the classes a command loads: those a connected run loads (the {@value #CLASS_LIST} resource), then
   * count and export against a closed local port for what the list cannot name.
   */
  private static void workload() throws IOException {
    loadListedClasses(ClassArchive.class.getClassLoader());
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    String contactPoint = InetAddress.getLoopbackAddress().getHostAddress() + ":" + closed;
    AsyncCassandraCli.execute("count", "--contact-point", contactPoint, "--keyspace", "ks", "--table", "t");
    AsyncCassandraCli.execute("export", "--contact-point", contactPoint, "--keyspace", "ks", "--table", "t",
        "--format", "ndjson", "--output", "-");
  }

  /**
   * Loads, without initializing them, the classes that {@value #CLASS_LIST} names, with {@code loader}: the
   * archive then holds them. A name that is not there (a class renamed since the list was made) is skipped.
   *
   * @return the names that were not loaded
   * @throws IOException if the list cannot be read
   */
  static List<String> loadListedClasses(ClassLoader loader) throws IOException {
    List<String> missing = new ArrayList<>();
    try (InputStream in = ClassArchive.class.getResourceAsStream(CLASS_LIST)) {
      if (in == null) {
        throw new IOException("no " + CLASS_LIST + " beside " + ClassArchive.class.getName());
      }
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String name = line.strip();
        if (name.isEmpty() || name.startsWith("#")) {
          continue;
        }
        try {
          Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError | RuntimeException gone) { // a sealed package, say
          missing.add(name);
        }
      }
    }
    return missing;
  }
}
