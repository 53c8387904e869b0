package org.asynccassandra.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaHomesTest {
  @Test
  void should_parse_major_versions_old_and_new() {
    assertThat(JavaHomes.majorVersion("17.0.15")).isEqualTo(17);
    assertThat(JavaHomes.majorVersion("11")).isEqualTo(11);
    assertThat(JavaHomes.majorVersion("1.8.0_392")).isEqualTo(8);
    assertThat(JavaHomes.majorVersion("25-ea")).isEqualTo(25);
    assertThatThrownBy(() -> JavaHomes.majorVersion("abc")).hasMessageContaining("abc");
  }

  @Test
  void should_accept_only_11_and_17() {
    assertThat(JavaHomes.supported(11)).isTrue();
    assertThat(JavaHomes.supported(17)).isTrue();
    assertThat(JavaHomes.supported(21)).isFalse();
    assertThat(JavaHomes.supported(8)).isFalse();
  }

  @Test
  void should_name_the_version_and_place_of_an_unsupported_jdk(@TempDir Path home) throws IOException {
    fakeJdk(home, "25.0.1");
    assertThatThrownBy(() -> JavaHomes.checkExplicit(home))
        .isInstanceOf(CassandraStartException.class)
        .hasMessageContaining("needs JDK 11 or 17, found 25 at " + home)
        .hasMessageContaining("CASSANDRA_JAVA_HOME");
  }

  @Test
  void should_accept_a_jdk_17(@TempDir Path home) throws IOException {
    fakeJdk(home, "17.0.2");
    assertThat(JavaHomes.checkExplicit(home)).isEqualTo(home);
  }

  @Test
  void should_say_when_a_folder_is_no_jdk(@TempDir Path empty) {
    assertThatThrownBy(() -> JavaHomes.checkExplicit(empty)).hasMessageContaining("No JDK found at " + empty);
  }

  @Test
  void should_find_a_supported_jdk_on_this_machine() {
    Path found = JavaHomes.find();
    assertThat(JavaHomes.majorVersionOf(found)).get().matches(JavaHomes::supported);
  }

  private static void fakeJdk(Path home, String version) throws IOException {
    Files.createDirectories(home.resolve("bin"));
    Path java = Files.createFile(home.resolve("bin/java"));
    java.toFile().setExecutable(true);
    Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
  }
}
