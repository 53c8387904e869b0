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
package org.asynccassandra.examples.spring;

import io.netty.channel.ChannelOption;
import org.asynccassandra.ResumeTokenSigner;
import org.asynccassandra.examples.spring.webflux.CassandraErrorAdvice;
import org.asynccassandra.examples.spring.webflux.ItemFluxController;
import org.asynccassandra.examples.spring.webflux.WebFluxExampleApplication;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

/** {@link ExampleContractIT} on the WebFlux application (Reactor Netty). */
@SpringBootTest(classes = WebFluxExampleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.main.web-application-type=reactive", ExampleContractIT.PROPERTIES_FETCH,
        ExampleContractIT.PROPERTIES_PREFETCH, ExampleContractIT.PROPERTIES_RETRIES,
        "async-cassandra.webflux.write-timeout=" + ExampleContractIT.WRITE_TIMEOUT_SECONDS + "s"})
@Import({WebFluxExampleIT.SmallSendBuffer.class, ExampleContractIT.ThroughFaultProxy.class})
class WebFluxExampleIT extends ExampleContractIT {

  @Autowired ResumeTokenSigner signer;

  @Override
  WebTestClient controllersWith(AsyncCassandraProperties properties) {
    return WebTestClient.bindToController(new ItemFluxController(session, new ItemQueries(properties, signer),
            properties, JsonMapper.builder().build()))
        .controllerAdvice(new CassandraErrorAdvice()).build();
  }

  /** A small socket send buffer on the server side, so that a client that stops reading is felt after a few pages. */
  @TestConfiguration
  static class SmallSendBuffer {
    @Bean
    NettyServerCustomizer smallSendBuffer() {
      return server -> server.childOption(ChannelOption.SO_SNDBUF, 8192);
    }
  }
}
