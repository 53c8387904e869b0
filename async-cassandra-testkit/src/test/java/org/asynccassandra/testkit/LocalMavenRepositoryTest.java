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

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LocalMavenRepositoryTest {
  @Test
  void should_find_the_local_repository_like_maven() {
    Path home = Path.of("/home/someone");
    assertThat(LocalMavenRepository.path("/ci/m2", "<localRepository>/x</localRepository>", home))
        .isEqualTo(Path.of("/ci/m2"));
    assertThat(LocalMavenRepository.path(null,
        "<settings>\n  <localRepository>${user.home}/repo</localRepository>\n</settings>", home))
        .isEqualTo(Path.of("/home/someone/repo"));
    assertThat(LocalMavenRepository.path(null,
        "<settings><!-- <localRepository>/path/to/local/repo</localRepository> --></settings>", home))
        .isEqualTo(Path.of("/home/someone/.m2/repository"));
    assertThat(LocalMavenRepository.path("", null, home)).isEqualTo(Path.of("/home/someone/.m2/repository"));
  }
}
