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

import com.datastax.oss.driver.api.core.addresstranslation.AddressTranslator;
import com.datastax.oss.driver.api.core.config.DriverOption;
import com.datastax.oss.driver.api.core.context.DriverContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The driver's address translator for {@link FaultProxy}: maps a node's real address to its proxy's, so that
 * the driver connects to every proxied node through its proxy. The driver creates it by reflection from its
 * configuration ({@code advanced.address-translator.class}); configure it with
 * {@link FaultProxy#routeThrough}, not by hand. Addresses without a route stay as they are.
 *
 * <p>Immutable and thread-safe; the driver calls it on its admin thread. Closing does nothing.
 */
public final class FaultProxyTranslator implements AddressTranslator {
  /** The routes, as "host:port=proxyHost:proxyPort" strings. */
  static final DriverOption ROUTES = () -> "advanced.address-translator.testkit-fault-proxy-routes";

  /** Real "ip:port" to proxy address. */
  private final Map<String, InetSocketAddress> routes;

  /**
   * Called by the driver, which passes its context; reads the routes from its configuration.
   *
   * @param context the session's context, whose default profile holds the routes that
   *     {@link FaultProxy#routeThrough} wrote (none: every address stays as it is)
   * @throws IllegalArgumentException if a route is malformed (configured by hand)
   */
  public FaultProxyTranslator(DriverContext context) {
    this(context.getConfig().getDefaultProfile().getStringList(ROUTES, List.of()));
  }

  FaultProxyTranslator(List<String> routes) {
    this.routes = parse(routes);
  }

  @Override
  public InetSocketAddress translate(InetSocketAddress address) {
    InetSocketAddress proxy = routes.get(key(address));
    return proxy != null ? proxy : address;
  }

  @Override
  public void close() {}

  /** One route, as {@link FaultProxy#routeThrough} writes it into the configuration. */
  static String route(InetSocketAddress from, InetSocketAddress to) {
    return key(from) + "=" + key(to);
  }

  static Map<String, InetSocketAddress> parse(List<String> routes) {
    Map<String, InetSocketAddress> parsed = new HashMap<>();
    for (String route : routes) {
      int equals = route.indexOf('=');
      if (equals < 0) {
        throw new IllegalArgumentException("A fault proxy route must look like host:port=host:port: " + route);
      }
      InetSocketAddress from = address(route.substring(0, equals), route);
      parsed.put(key(from), address(route.substring(equals + 1), route));
    }
    return Map.copyOf(parsed);
  }

  private static InetSocketAddress address(String hostAndPort, String route) {
    int colon = hostAndPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("A fault proxy route must look like host:port=host:port: " + route);
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(hostAndPort.substring(0, colon)),
          Integer.parseInt(hostAndPort.substring(colon + 1)));
    } catch (UnknownHostException | IllegalArgumentException bad) {
      throw new IllegalArgumentException("Bad address in fault proxy route " + route + ": " + bad.getMessage(), bad);
    }
  }

  /** "ip:port", the same whether the address came resolved or as a name. */
  static String key(InetSocketAddress address) {
    String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
    return host + ":" + address.getPort();
  }
}
