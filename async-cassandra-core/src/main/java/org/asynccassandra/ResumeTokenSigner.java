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

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.asynccassandra.InvalidResumeTokenException.Reason;

/**
 * Signs resume tokens that leave the process, so that nobody who holds one can forge another. Thread-safe.
 *
 * <pre>{@code
 * ResumeTokenSigner signer = ResumeTokenSigner.hmacSha256(secretKey);
 * String next = signer.encode(page.resumeToken().orElseThrow()); // the "next" link (a scan's pages have none)
 * ResumeToken token = signer.decode(request.param("after")); // InvalidResumeTokenException -> HTTP 400
 * }</pre>
 */
public interface ResumeTokenSigner {

  /**
   * The signed, URL-safe text form of {@code token}.
   *
   * @param token the token to sign, not null
   * @return URL-safe base64 without padding, that only {@link #decode} of a signer with the same key reads
   *     back; {@link ResumeToken#decode} refuses it
   */
  String encode(ResumeToken token);

  /**
   * Reads a token this signer signed.
   *
   * @param text the text {@link #encode} returned, typically from a request parameter; any string is
   *     accepted here, null and empty included, and checked before it is trusted
   * @return the token, equal to the one that was signed
   * @throws InvalidResumeTokenException when the text is null or empty, longer than
   *     {@value ResumeToken#MAX_ENCODED_LENGTH} characters, not base64, or the token is malformed, unsigned,
   *     tampered with or signed with another key; {@link InvalidResumeTokenException#reason()} says which
   */
  ResumeToken decode(String text);

  /**
   * A signer that appends an HMAC-SHA256 of the token. Keep the key secret and the same on every instance
   * that must accept the tokens.
   *
   * @param key at least 16 bytes (32 random bytes recommended); copied, so later changes to the array do
   *     not change the signer
   * @return a thread-safe signer with that key
   * @throws IllegalArgumentException if {@code key} is null or shorter than 16 bytes; the message holds its
   *     length
   */
  static ResumeTokenSigner hmacSha256(byte[] key) {
    if (key == null || key.length < 16) {
      throw new IllegalArgumentException("key must have at least 16 bytes: " + (key == null ? "null" : key.length));
    }
    byte[] secret = key.clone();
    return new ResumeTokenSigner() {
      private static final int MAC_LENGTH = 32;

      private byte[] mac(byte[] bytes, int length) {
        try {
          Mac mac = Mac.getInstance("HmacSHA256");
          mac.init(new SecretKeySpec(secret, "HmacSHA256"));
          mac.update(bytes, 0, length);
          return mac.doFinal();
        } catch (GeneralSecurityException unavailable) {
          throw new IllegalStateException("HmacSHA256 is not available in this JVM", unavailable);
        }
      }

      @Override
      public String encode(ResumeToken token) {
        byte[] body = token.body(true);
        return ResumeToken.base64(ResumeToken.concat(body, mac(body, body.length)));
      }

      @Override
      public ResumeToken decode(String text) {
        byte[] bytes = ResumeToken.decodeBytes(text);
        ResumeToken.checkHeader(bytes);
        if ((bytes[1] & ResumeToken.FLAG_SIGNED) == 0) {
          throw new InvalidResumeTokenException(Reason.UNSIGNED, "the token is not signed, and this service "
              + "only accepts tokens it signed");
        }
        int bodyLength = bytes.length - MAC_LENGTH;
        if (bodyLength < 2) {
          throw new InvalidResumeTokenException(Reason.MALFORMED, "the token is truncated");
        }
        byte[] expected = mac(bytes, bodyLength);
        byte[] actual = Arrays.copyOfRange(bytes, bodyLength, bytes.length);
        if (!MessageDigest.isEqual(expected, actual)) {
          throw new InvalidResumeTokenException(Reason.BAD_SIGNATURE, "the signature does not match: the token "
              + "was changed, or signed with another key");
        }
        return ResumeToken.parseBody(bytes, bodyLength);
      }

      @Override
      public String toString() {
        return "ResumeTokenSigner{HMAC-SHA256}";
      }
    };
  }
}
