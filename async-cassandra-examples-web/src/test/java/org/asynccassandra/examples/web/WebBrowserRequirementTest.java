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
