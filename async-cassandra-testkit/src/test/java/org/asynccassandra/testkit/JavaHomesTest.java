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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import org.asynccassandra.testkit.JavaHomes.Lookup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaHomesTest {
  @TempDir
  Path root;

  @Test
  void should_parse_major_versions_old_and_new() {
    assertThat(JavaHomes.majorVersion("17.0.15")).isEqualTo(17);
    assertThat(JavaHomes.majorVersion("11")).isEqualTo(11);
    assertThat(JavaHomes.majorVersion("1.8.0_392")).isEqualTo(8);
    assertThat(JavaHomes.majorVersion("25-ea")).isEqualTo(25);
    assertThatThrownBy(() -> JavaHomes.majorVersion("abc")).hasMessageContaining("abc");
  }

  @Test
  void should_read_the_version_from_java_version_output() {
    assertThat(JavaHomes.majorVersionInOutput("openjdk version \"17.0.15\" 2025-04-15\nOpenJDK Runtime Environment"))
        .contains(17);
    assertThat(JavaHomes.majorVersionInOutput("java version \"1.8.0_392\"\nJava(TM) SE Runtime")).contains(8);
    assertThat(JavaHomes.majorVersionInOutput("openjdk version \"25\" 2025-09-16 LTS")).contains(25);
    assertThat(JavaHomes.majorVersionInOutput("Error: could not find libjava.so")).isEmpty();
  }

  @Test
  void should_accept_only_11_and_17() {
    assertThat(JavaHomes.supported(11)).isTrue();
    assertThat(JavaHomes.supported(17)).isTrue();
    assertThat(JavaHomes.supported(21)).isFalse();
    assertThat(JavaHomes.supported(8)).isFalse();
  }

  @Test
  void should_name_the_version_and_place_of_an_unsupported_jdk() throws IOException {
    Path home = fakeJdk("jdk25", "25.0.1");
    assertThatThrownBy(() -> JavaHomes.checkExplicit(home))
        .isInstanceOf(CassandraStartException.class)
        .hasMessageContaining("Cassandra 5.0 needs JDK 11 or 17, found 25 at " + home)
        .hasMessageContaining("CASSANDRA_JAVA_HOME");
  }

  @Test
  void should_say_when_a_folder_is_no_jdk() {
    assertThatThrownBy(() -> JavaHomes.checkExplicit(root)).hasMessageContaining("No JDK found at " + root);
  }

  @Test
  void should_ask_the_binary_when_there_is_no_release_file() throws IOException {
    Path java = javaScript("norelease", "echo 'openjdk version \"11.0.22\" 2024-01-16' >&2\n");
    assertThat(JavaHomes.majorVersionOf(java.getParent().getParent())).contains(11);
  }

  @Test
  void should_give_up_on_a_java_binary_that_hangs() throws IOException {
    // Its output was read to the end before the 30 s wait began: a binary that hung (or left a child holding
    // the pipe) blocked the JDK search, and with it the server's start, for ever.
    Path java = javaScript("hangs", "echo 'openjdk version \"17.0.9\"' >&2\nexec sleep 600\n");
    Optional<Integer> version = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> JavaHomes.askJava(java, Duration.ofMillis(500)));
    assertThat(version).isEmpty();
  }

  @Test
  void should_refuse_a_wrong_cassandra_java_home_even_when_another_jdk_fits() throws IOException {
    Path jdk25 = fakeJdk("jdk25", "25");
    Path jdk17 = fakeJdk("jdk17", "17.0.2");
    assertThatThrownBy(() -> JavaHomes.find(new Lookup(jdk25.toString(), jdk17.toString(), null, root)))
        .hasMessageContaining("found 25 at " + jdk25);
  }

  @Test
  void should_take_java_home_when_it_is_11_or_17() throws IOException {
    Path jdk11 = fakeJdk("jdk11", "11.0.22");
    fakeJdk("jdk17", "17.0.2");
    assertThat(JavaHomes.find(new Lookup(null, jdk11.toString(), null, root))).isEqualTo(jdk11);
  }

  @Test
  void should_skip_an_unsupported_java_home_and_use_the_java_on_the_path() throws IOException {
    Path jdk25 = fakeJdk("jdk25", "25");
    Path jdk17 = fakeJdk("jdk17", "17.0.2");
    Path bin = Files.createDirectories(root.resolve("usr-bin"));
    Files.createSymbolicLink(bin.resolve("java"), jdk17.resolve("bin/java"));
    assertThat(JavaHomes.find(new Lookup(null, jdk25.toString(), bin.toString(), root.resolve("none"))))
        .isEqualTo(jdk17.toRealPath());
  }

  @Test
  void should_prefer_a_17_over_an_11_among_installed_jdks() throws IOException {
    Path jvm = Files.createDirectories(root.resolve("jvm"));
    Files.move(fakeJdk("a-jdk11", "11.0.1"), jvm.resolve("a-jdk11"));
    Files.move(fakeJdk("b-jdk17", "17.0.1"), jvm.resolve("b-jdk17"));
    Files.move(fakeJdk("c-jdk25", "25"), jvm.resolve("c-jdk25"));
    assertThat(JavaHomes.find(new Lookup(null, null, null, jvm))).isEqualTo(jvm.resolve("b-jdk17").toRealPath());
  }

  @Test
  void should_name_everything_tried_when_no_jdk_fits() throws IOException {
    Path jdk25 = fakeJdk("jdk25", "25");
    Path jvm = Files.createDirectories(root.resolve("jvm"));
    Files.move(fakeJdk("jdk21", "21.0.3"), jvm.resolve("jdk21"));
    assertThatThrownBy(() -> JavaHomes.find(new Lookup(null, jdk25.toString(), "", jvm)))
        .isInstanceOf(CassandraStartException.class)
        .hasMessageContaining("JAVA_HOME " + jdk25 + " (JDK 25)")
        .hasMessageContaining(jvm.resolve("jdk21").toRealPath() + " (JDK 21)")
        .hasMessageContaining("set CASSANDRA_JAVA_HOME");
  }

  @Test
  void should_find_a_supported_jdk_on_this_machine() {
    Path found = JavaHomes.find();
    assertThat(JavaHomes.majorVersionOf(found)).get().matches(JavaHomes::supported);
  }

  /** A JDK folder {@code name} without a release file, whose {@code bin/java} is a shell script. */
  private Path javaScript(String name, String body) throws IOException {
    Path java = Files.createDirectories(root.resolve(name).resolve("bin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return java;
  }

  private Path fakeJdk(String name, String version) throws IOException {
    Path home = root.resolve(name);
    Files.createDirectories(home.resolve("bin"));
    Path java = Files.createFile(home.resolve("bin/java"));
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
    return home;
  }
}
