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
package org.asynccassandra.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.asynccassandra.ResultStream;
import org.junit.jupiter.api.Test;

/**
 * Every stream the library makes passes {@link ResultStream#closeExceptionally} on to its engine: the interface's
 * default, a plain {@code close()}, is for implementations outside the library, and told listeners, metrics and
 * traces that a stream whose adapter's handler threw was closed, not failed (table scans did).
 */
class ResultStreamImplementationsTest {

  @Test
  void should_pass_closeExceptionally_on_in_every_stream_of_the_library() throws IOException, URISyntaxException,
      ClassNotFoundException {
    Path classes = Path.of(ResultStream.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> streams = new ArrayList<>();
    try (Stream<Path> files = Files.walk(classes.resolve("org/asynccassandra"))) {
      for (Path file : files.filter(path -> path.toString().endsWith(".class")).toList()) {
        String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
        Class<?> type = Class.forName(name, false, ResultStream.class.getClassLoader());
        if (ResultStream.class.isAssignableFrom(type) && !type.isInterface()
            && !Modifier.isAbstract(type.getModifiers())) {
          streams.add(type);
        }
      }
    }

    assertThat(streams).as("the library's streams").isNotEmpty();
    for (Class<?> type : streams) {
      assertThat(declares(type)).as("%s overrides closeExceptionally", type.getName()).isTrue();
    }
  }

  private static boolean declares(Class<?> type) {
    return Stream.of(type.getDeclaredMethods()).anyMatch(method -> method.getName().equals("closeExceptionally")
        && List.of(method.getParameterTypes()).equals(List.of(Throwable.class)));
  }
}
