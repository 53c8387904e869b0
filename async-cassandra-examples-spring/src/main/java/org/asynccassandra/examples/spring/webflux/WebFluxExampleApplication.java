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
package org.asynccassandra.examples.spring.webflux;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.asynccassandra.examples.spring.AsyncCassandraConfiguration;
import org.asynccassandra.examples.spring.BadRequestAdvice;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.tomcat.autoconfigure.reactive.TomcatReactiveWebServerAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The WebFlux example (Reactor Netty): the same {@link org.asynccassandra.AsyncSession} bean, and endpoints that
 * never block a thread:
 * <ul>
 *   <li>{@code GET /api/items/export.ndjson}: the table {@code async-cassandra.table} as NDJSON, a {@code Flux}
 *       of {@link org.asynccassandra.examples.spring.Item} over the session's cold publisher, with
 *       backpressure from the socket to Cassandra;
 *   <li>{@code GET /api/items?limit=N&token=T}: a page and its signed next-page token.
 * </ul>
 * A request that Cassandra fails is answered {@code 503} with {@code Retry-After}, or {@code 504}, with a JSON
 * body that says why, and a table that is not there {@code 404} ({@link CassandraErrorAdvice}, the same answers
 * as the MVC example's); an export that fails after its {@code 200} is cut short.
 * The module also carries Spring MVC and Tomcat (for {@link org.asynccassandra.examples.spring.mvc.MvcExampleApplication}):
 * this application sets its type to reactive and leaves Tomcat's reactive server out, so it runs on Netty.
 * {@code ./async-cassandra serve --spring} runs it over an embedded Cassandra.
 */
@SpringBootApplication(exclude = TomcatReactiveWebServerAutoConfiguration.class)
@Import({AsyncCassandraConfiguration.class, BadRequestAdvice.class})
public class WebFluxExampleApplication {
  public static void main(String[] args) {
    application().run(args);
  }

  /**
   * Closes a connection whose response has bytes waiting to be written and has written none for
   * {@code async-cassandra.webflux.write-timeout} (default 60 s): a client that keeps its connection open but
   * stops reading would otherwise hold its export's stream, its read-ahead and any share of a session budget for
   * good (Reactor Netty's idle timeout only runs between requests). A client that reads slowly but reads is not
   * cut, nor is a response that waits for Cassandra with nothing to write. The export's {@code Flux} is then
   * cancelled, which closes its stream. Runs on the connection's event loop.
   */
  @Bean
  NettyServerCustomizer exportWriteTimeout(@Value("${async-cassandra.webflux.write-timeout:60s}") Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("async-cassandra.webflux.write-timeout must be > 0: " + timeout);
    }
    long millis = timeout.toMillis();
    return server -> server.doOnConnection(connection -> connection.addHandlerLast("export-write-timeout",
        new StalledWrites(millis)));
  }

  /**
   * Closes the connection when writes are pending and none made progress for the timeout: Netty's
   * {@code IdleStateHandler} with {@code observeOutput}, which counts bytes leaving the outbound buffer as
   * activity (its {@code WriteTimeoutHandler} timed each write from its call, queue included, and cut a client
   * that read slowly but steadily).
   */
  static final class StalledWrites extends IdleStateHandler {
    StalledWrites(long millis) {
      super(true, 0, millis, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void channelIdle(ChannelHandlerContext context, IdleStateEvent event) {
      ChannelOutboundBuffer pending = context.channel().unsafe().outboundBuffer();
      if (event.state() == IdleState.WRITER_IDLE && pending != null && pending.totalPendingWriteBytes() > 0) {
        context.close();
      }
    }
  }

  /** The application, on WebFlux whatever else is on the classpath. */
  public static SpringApplication application() {
    SpringApplication application = new SpringApplication(WebFluxExampleApplication.class);
    application.setWebApplicationType(WebApplicationType.REACTIVE);
    return application;
  }
}
