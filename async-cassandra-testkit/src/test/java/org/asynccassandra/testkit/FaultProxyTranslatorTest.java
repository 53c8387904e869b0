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

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultProxyTranslatorTest {
  @Test
  void should_send_proxied_nodes_to_their_proxy_and_leave_the_others() {
    InetSocketAddress node1 = new InetSocketAddress("127.0.0.1", 9042);
    InetSocketAddress node2 = new InetSocketAddress("127.0.0.2", 9042);
    InetSocketAddress proxy1 = new InetSocketAddress("127.0.0.1", 40001);
    FaultProxyTranslator translator = new FaultProxyTranslator(List.of(FaultProxyTranslator.route(node1, proxy1)));
    assertThat(translator.translate(node1)).isEqualTo(proxy1);
    assertThat(translator.translate(InetSocketAddress.createUnresolved("127.0.0.1", 9042))).isEqualTo(proxy1);
    assertThat(translator.translate(node2)).isSameAs(node2);
    assertThat(translator.translate(new InetSocketAddress("127.0.0.1", 9043)).getPort()).isEqualTo(9043);
  }

  @Test
  void should_write_routes_it_can_read() {
    assertThat(FaultProxyTranslator.route(new InetSocketAddress("127.0.0.3", 9042),
        new InetSocketAddress("127.0.0.1", 5))).isEqualTo("127.0.0.3:9042=127.0.0.1:5");
  }

  @Test
  void should_name_a_malformed_route() {
    assertThatThrownBy(() -> FaultProxyTranslator.parse(List.of("127.0.0.1:9042")))
        .hasMessageContaining("host:port=host:port: 127.0.0.1:9042");
    assertThatThrownBy(() -> FaultProxyTranslator.parse(List.of("127.0.0.1:x=127.0.0.1:1")))
        .hasMessageContaining("127.0.0.1:x=127.0.0.1:1");
  }
}
