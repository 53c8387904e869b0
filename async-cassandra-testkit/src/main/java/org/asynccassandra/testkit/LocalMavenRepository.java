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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the local Maven repository is, found the way Maven finds it: the {@code maven.repo.local} system
 * property, else {@code localRepository} in {@code ~/.m2/settings.xml}, else {@code ~/.m2/repository}.
 * Used to resolve classpaths recorded as {@code $M2_REPO/...} entries (the server's, dsbulk's).
 */
public final class LocalMavenRepository {
  /** How a recorded classpath names the local repository (maven-dependency-plugin's localRepoProperty). */
  public static final String TOKEN = "$M2_REPO";
  private static final Pattern LOCAL_REPOSITORY =
      Pattern.compile("<localRepository>\\s*([^<]+?)\\s*</localRepository>");

  private LocalMavenRepository() {}

  /**
   * The local repository of this machine and JVM. Reads {@code ~/.m2/settings.xml} on every call (an
   * unreadable one counts as absent); the folder need not exist.
   *
   * @return the repository's folder, as Maven would use it with the same system properties
   */
  public static Path path() {
    Path home = Paths.get(System.getProperty("user.home"));
    Path settings = home.resolve(".m2/settings.xml");
    String settingsXml = null;
    if (Files.isReadable(settings)) {
      try {
        settingsXml = Files.readString(settings, StandardCharsets.UTF_8);
      } catch (IOException unreadable) {
        // fall back to the default
      }
    }
    return path(System.getProperty("maven.repo.local"), settingsXml, home);
  }

  static Path path(String property, String settingsXml, Path home) {
    if (property != null && !property.isBlank()) {
      return Paths.get(property);
    }
    if (settingsXml != null) {
      // The stock settings.xml carries a commented-out example: comments do not count.
      Matcher matcher = LOCAL_REPOSITORY.matcher(settingsXml.replaceAll("(?s)<!--.*?-->", ""));
      if (matcher.find() && !matcher.group(1).contains("${env.")) {
        return Paths.get(matcher.group(1).replace("${user.home}", home.toString()));
      }
    }
    return home.resolve(".m2/repository");
  }

  /**
   * The jars of a classpath recorded as {@code $M2_REPO/...} entries, separated by ':' or new lines,
   * resolved against {@code repository}, in the recorded order. Whether they exist is the caller's check.
   *
   * @param recorded the recorded classpath; entries that do not start with {@value #TOKEN} are taken as
   *     plain paths, and blank entries are skipped
   * @param repository the local repository to put in place of {@value #TOKEN}, usually {@link #path()}
   * @return the jars' paths, one per entry (a new, modifiable list)
   */
  public static List<Path> resolve(String recorded, Path repository) {
    List<Path> jars = new ArrayList<>();
    for (String entry : recorded.trim().split("[:\\n]")) {
      String trimmed = entry.trim();
      if (!trimmed.isEmpty()) {
        jars.add(trimmed.startsWith(TOKEN)
            ? repository.resolve(trimmed.substring(TOKEN.length()).replaceFirst("^/", ""))
            : Paths.get(trimmed));
      }
    }
    return jars;
  }
}
