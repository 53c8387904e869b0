package org.asynccassandra.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the local Maven repository is, found the way Maven finds it: the {@code maven.repo.local} system
 * property, else {@code localRepository} in {@code ~/.m2/settings.xml}, else {@code ~/.m2/repository}.
 * Used to resolve classpaths recorded as {@code $M2_REPO/...} entries (the server's, dsbulk's).
 */
public final class LocalMavenRepository {
  private static final Pattern LOCAL_REPOSITORY =
      Pattern.compile("<localRepository>\\s*([^<]+?)\\s*</localRepository>");

  private LocalMavenRepository() {}

  /** The local repository of this machine and JVM. */
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
}
