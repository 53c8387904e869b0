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
package org.asynccassandra;

/**
 * A resume token was rejected before any query ran: it is malformed, truncated, too large, of an unknown
 * version, tampered with, signed with another key, unsigned where a signature is required, or made for
 * another statement. {@link #reason()} says which; the message says what to do.
 *
 * <p>In a web service, map it to HTTP 400: the client sent a token this service did not issue for this
 * query.
 */
public class InvalidResumeTokenException extends AsyncCassandraException {
  private static final long serialVersionUID = 1L;

  /** Why a token was rejected. */
  public enum Reason {
    /** The string is empty. */
    EMPTY,
    /** The string is longer than {@link ResumeToken#MAX_ENCODED_LENGTH}. */
    TOO_LARGE,
    /** The string is not URL-safe base64. */
    NOT_BASE64,
    /** The bytes end too early or carry extra bytes. */
    MALFORMED,
    /** The version byte is not one this library reads. */
    UNKNOWN_VERSION,
    /** The signature does not match: tampered with, or signed with another key. */
    BAD_SIGNATURE,
    /** A signature was required and the token has none. */
    UNSIGNED,
    /** The token is signed but was decoded without a signer. */
    SIGNED,
    /** The token was made for another statement (query text, keyspace or bound values). */
    WRONG_STATEMENT
  }

  /** Why the token was rejected; part of the serialized form. */
  private final Reason reason;

  /**
   * A rejected token. The library throws it on the caller's thread, before any query runs: from decoding
   * ({@link ResumeToken}, {@link ResumeTokenSigner}) and from resuming a stream with a token made for
   * another statement. The message becomes {@code "Invalid resume token (REASON): message"}.
   *
   * @param reason why the token was rejected
   * @param message what was wrong and what to do
   */
  public InvalidResumeTokenException(Reason reason, String message) {
    super("Invalid resume token (" + reason + "): " + message);
    this.reason = reason;
  }

  /**
   * Why the token was rejected, for code that answers differently by cause (all of them are the client's
   * fault in a web service: HTTP 400).
   *
   * @return the reason given at construction, never null
   */
  public Reason reason() {
    return reason;
  }
}
