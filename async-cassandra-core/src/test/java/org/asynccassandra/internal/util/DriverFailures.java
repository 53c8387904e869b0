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
package org.asynccassandra.internal.util;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.metadata.Node;
import java.lang.reflect.Proxy;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Failures as the driver reports them, for unit tests that complete a request's future by hand. */
public final class DriverFailures {
  private DriverFailures() {}

  /** A node to key the driver's errors by; nothing of it is read but its name. */
  public static Node node(String name) {
    return (Node) Proxy.newProxyInstance(Node.class.getClassLoader(), new Class<?>[] {Node.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "toString" -> name;
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  /** The driver's answer when each tried node failed with one of {@code errors}, in order. */
  public static AllNodesFailedException allFailed(Throwable... errors) {
    List<Map.Entry<Node, Throwable>> entries = new ArrayList<>();
    for (int i = 0; i < errors.length; i++) {
      entries.add(Map.entry(node("node" + i), errors[i]));
    }
    return AllNodesFailedException.fromErrors(entries);
  }

  /**
   * A request lost with its connection: the driver wrote it to a connection the node (or the network) had just
   * closed, Netty failed the write, and with no other node to try the driver gave up (seen through a FaultProxy
   * in AdaptivePagingIT). Retryable: the request never reached the server.
   */
  public static AllNodesFailedException lostWithItsConnection() {
    return allFailed(new ClosedChannelException());
  }
}
