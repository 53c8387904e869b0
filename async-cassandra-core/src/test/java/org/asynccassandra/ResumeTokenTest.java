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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.asynccassandra.InvalidResumeTokenException.Reason;
import org.junit.jupiter.api.Test;

class ResumeTokenTest {
  private static final byte[] FINGERPRINT = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OTHER_FINGERPRINT = "fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
  private static final ResumeTokenSigner SIGNER = ResumeTokenSigner.hmacSha256(key(1));
  private static final ResumeTokenSigner OTHER_SIGNER = ResumeTokenSigner.hmacSha256(key(2));

  private static byte[] key(int seed) {
    byte[] key = new byte[32];
    new Random(seed).nextBytes(key);
    return key;
  }

  private static ResumeToken sample() {
    byte[] state = new byte[57];
    new Random(7).nextBytes(state);
    return ResumeToken.of(FINGERPRINT, ByteBuffer.wrap(state), 1234, false);
  }

  @Test
  void should_round_trip_unsigned_and_signed_tokens() {
    ResumeToken token = sample();
    assertThat(ResumeToken.decode(token.encode())).isEqualTo(token);
    assertThat(SIGNER.decode(SIGNER.encode(token))).isEqualTo(token);
    ResumeToken start = ResumeToken.of(FINGERPRINT, null, 0, false);
    assertThat(ResumeToken.decode(start.encode()).pagingState()).isEmpty();
    ResumeToken end = ResumeToken.of(FINGERPRINT, null, 0, true);
    assertThat(SIGNER.decode(SIGNER.encode(end)).isEnd()).isTrue();
  }

  @Test
  void should_round_trip_the_paging_state_of_long_keys_up_to_its_limit() {
    // A text partition key of a few KB (a URL, a path) makes a paging state of that size; the state holds
    // the partition key and the clustering values, each up to 64 KiB.
    for (int length : new int[] {5_000, 3 * 64 * 1024, ResumeToken.MAX_PAGING_STATE_LENGTH}) {
      byte[] state = new byte[length];
      new Random(length).nextBytes(state);
      ResumeToken token = ResumeToken.of(FINGERPRINT, ByteBuffer.wrap(state), 3, false);
      assertThat(ResumeToken.decode(token.encode())).as("%d bytes", length).isEqualTo(token);
      assertThat(SIGNER.decode(SIGNER.encode(token))).as("%d bytes, signed", length).isEqualTo(token);
    }
    assertThatThrownBy(() -> ResumeToken.of(FINGERPRINT,
        ByteBuffer.wrap(new byte[ResumeToken.MAX_PAGING_STATE_LENGTH + 1]), 0, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("paging state is larger than");
  }

  @Test
  void should_be_compact_and_url_safe() {
    String encoded = SIGNER.encode(sample());
    assertThat(encoded).matches("[A-Za-z0-9_-]+").hasSizeLessThan(200);
    assertThat(ResumeToken.decode(sample().encode()).rowOffset()).isEqualTo(1234);
  }

  @Test
  void should_reject_every_single_byte_change_of_a_signed_token() {
    byte[] bytes = Base64.getUrlDecoder().decode(SIGNER.encode(sample()));
    for (int i = 0; i < bytes.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] tampered = bytes.clone();
        tampered[i] ^= (byte) (1 << bit);
        String text = Base64.getUrlEncoder().withoutPadding().encodeToString(tampered);
        Throwable thrown = catchThrowable(() -> SIGNER.decode(text));
        assertThat(thrown).as("byte %d bit %d", i, bit).isInstanceOf(InvalidResumeTokenException.class);
        assertThat(((InvalidResumeTokenException) thrown).reason())
            .isIn(Reason.BAD_SIGNATURE, Reason.UNKNOWN_VERSION, Reason.UNSIGNED, Reason.MALFORMED);
      }
    }
  }

  @Test
  void should_reject_every_single_byte_change_of_an_unsigned_token() {
    byte[] bytes = Base64.getUrlDecoder().decode(sample().encode());
    for (int i = 0; i < bytes.length; i++) {
      byte[] tampered = bytes.clone();
      tampered[i] ^= (byte) 0x5a;
      String text = Base64.getUrlEncoder().withoutPadding().encodeToString(tampered);
      assertThatThrownBy(() -> ResumeToken.decode(text)).as("byte %d", i)
          .isInstanceOf(InvalidResumeTokenException.class);
    }
  }

  @Test
  void should_accept_only_the_text_it_wrote_not_another_text_of_the_same_bytes() {
    // The JDK's decoder takes '=' padding and ignores the unused low bits of the last character: a token's
    // text could be altered and still decode to the same signed token.
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (ResumeToken token : List.of(sample(), ResumeToken.of(FINGERPRINT, ByteBuffer.wrap(new byte[58]), 1, false),
        ResumeToken.of(FINGERPRINT, ByteBuffer.wrap(new byte[59]), 1, false))) {
      String signed = SIGNER.encode(token);
      assertThat(SIGNER.decode(signed)).isEqualTo(token);
      int accepted = 0;
      String head = signed.substring(0, signed.length() - 1);
      for (char last : alphabet.toCharArray()) {
        String text = head + last;
        if (catchThrowable(() -> SIGNER.decode(text)) == null) {
          accepted++;
          assertThat(text).isEqualTo(signed);
        }
      }
      assertThat(accepted).as("only the original of %d characters", signed.length()).isEqualTo(1);
      for (String padded : List.of(signed + "=", signed + "==")) {
        assertThat(reason(() -> SIGNER.decode(padded))).as(padded).isEqualTo(Reason.NOT_BASE64);
      }
      assertThat(reason(() -> ResumeToken.decode(token.encode() + "="))).isEqualTo(Reason.NOT_BASE64);
    }
  }

  @Test
  void should_reject_a_token_signed_with_another_key() {
    assertThatThrownBy(() -> SIGNER.decode(OTHER_SIGNER.encode(sample())))
        .isInstanceOf(InvalidResumeTokenException.class)
        .hasMessageContaining("signed with another key")
        .extracting(e -> ((InvalidResumeTokenException) e).reason()).isEqualTo(Reason.BAD_SIGNATURE);
  }

  @Test
  void should_require_a_signature_from_a_signer_and_refuse_one_without() {
    assertThat(reason(() -> SIGNER.decode(sample().encode()))).isEqualTo(Reason.UNSIGNED);
    assertThat(reason(() -> ResumeToken.decode(SIGNER.encode(sample())))).isEqualTo(Reason.SIGNED);
  }

  @Test
  void should_reject_truncated_empty_oversized_and_non_base64_tokens() {
    String encoded = SIGNER.encode(sample());
    for (int length = 0; length < encoded.length(); length++) {
      String truncated = encoded.substring(0, length);
      assertThatThrownBy(() -> SIGNER.decode(truncated)).as("length %d", length)
          .isInstanceOf(InvalidResumeTokenException.class);
    }
    assertThat(reason(() -> ResumeToken.decode(""))).isEqualTo(Reason.EMPTY);
    assertThat(reason(() -> ResumeToken.decode(null))).isEqualTo(Reason.EMPTY);
    assertThat(reason(() -> SIGNER.decode("A".repeat(ResumeToken.MAX_ENCODED_LENGTH + 1)))).isEqualTo(Reason.TOO_LARGE);
    assertThat(reason(() -> ResumeToken.decode("not base64!"))).isEqualTo(Reason.NOT_BASE64);
  }

  @Test
  void should_name_the_version_it_does_not_read() {
    byte[] bytes = Base64.getUrlDecoder().decode(sample().encode());
    bytes[0] = 9;
    String text = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    assertThatThrownBy(() -> ResumeToken.decode(text)).hasMessageContaining("version 9");
  }

  @Test
  void should_only_ever_throw_InvalidResumeTokenException_on_random_input() {
    Random random = new Random(42);
    for (int i = 0; i < 5_000; i++) {
      String text;
      if (i % 2 == 0) {
        byte[] bytes = new byte[random.nextInt(300)];
        random.nextBytes(bytes);
        if (bytes.length > 1 && i % 4 == 0) {
          bytes[0] = 1; // a valid version, so that parsing goes deeper
          bytes[1] = (byte) random.nextInt(4);
        }
        text = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      } else {
        StringBuilder chars = new StringBuilder();
        for (int c = random.nextInt(100); c > 0; c--) {
          chars.append((char) random.nextInt(128));
        }
        text = chars.toString();
      }
      for (ThrowingDecode decode : new ThrowingDecode[] {ResumeToken::decode, SIGNER::decode}) {
        Throwable thrown = catchThrowable(() -> decode.apply(text));
        if (thrown != null) {
          assertThat(thrown).as("input %s", text).isInstanceOf(InvalidResumeTokenException.class);
        }
      }
    }
  }

  @Test
  void should_match_only_its_own_statement() {
    assertThat(sample().matches(FINGERPRINT)).isTrue();
    assertThat(sample().matches(OTHER_FINGERPRINT)).isFalse();
  }

  @Test
  void should_refuse_short_signing_keys() {
    assertThatThrownBy(() -> ResumeTokenSigner.hmacSha256(new byte[8])).hasMessage("key must have at least 16 bytes: 8");
  }

  interface ThrowingDecode {
    ResumeToken apply(String text);
  }

  private static Reason reason(Runnable decode) {
    Throwable thrown = catchThrowable(decode::run);
    assertThat(thrown).isInstanceOf(InvalidResumeTokenException.class);
    return ((InvalidResumeTokenException) thrown).reason();
  }
}
