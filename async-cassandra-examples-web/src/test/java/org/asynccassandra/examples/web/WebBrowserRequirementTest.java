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
package org.asynccassandra.examples.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** WebBrowserIT's rule for a missing browser: a loud skip on a developer's machine, a failure on CI. */
class WebBrowserRequirementTest {
  @Test
  void should_fail_on_ci_when_the_browser_is_missing() {
    assertThatThrownBy(() -> WebBrowserIT.requireBrowser(false, "true"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("apt-get install chromium chromium-driver")
        .hasMessageContaining("CI=true");
  }

  @Test
  void should_skip_elsewhere_when_the_browser_is_missing() {
    assertThat(WebBrowserIT.requireBrowser(false, null)).isFalse();
    assertThat(WebBrowserIT.requireBrowser(false, "false")).isFalse();
  }

  @Test
  void should_run_where_the_browser_is_installed() {
    assertThat(WebBrowserIT.requireBrowser(true, "true")).isTrue();
    assertThat(WebBrowserIT.requireBrowser(true, null)).isTrue();
  }
}
