package org.asynccassandra;

import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

/** A publisher that makes a fresh one-subscriber publisher for each subscriber; see {@link AsyncSession#publisher}. */
final class ColdPublisher<T> implements Flow.Publisher<T> {
  private final Supplier<Flow.Publisher<T>> fresh;

  private ColdPublisher(Supplier<Flow.Publisher<T>> fresh) {
    this.fresh = fresh;
  }

  static <T> Flow.Publisher<T> of(Supplier<Flow.Publisher<T>> fresh) {
    return new ColdPublisher<>(fresh);
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber"); // §1.9
    Flow.Publisher<T> publisher;
    try {
      publisher = fresh.get();
    } catch (RuntimeException failure) {
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
      subscriber.onError(failure);
      return;
    }
    publisher.subscribe(subscriber);
  }
}
