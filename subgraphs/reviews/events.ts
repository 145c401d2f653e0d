/** Review events: what `reviewAdded` streams (one topic; the product filter runs per subscriber). */
import { topicStream } from '../shared/event-stream';
import type { PubSub } from '../shared/pubsub';
import type { ReviewRecord } from './store';

const TOPIC = 'reviews.added';

export class ReviewEvents {
  constructor(private readonly pubsub: PubSub) {}

  /** The review is stored already: a failed publish must not fail the mutation. */
  async added(review: ReviewRecord): Promise<void> {
    await this.pubsub.publish(TOPIC, review).catch(() => undefined);
  }

  stream(productSku: string | null | undefined): Promise<AsyncIterableIterator<ReviewRecord>> {
    return topicStream<ReviewRecord>(this.pubsub, TOPIC, productSku ? { filter: (review) => review.productSku === productSku } : {});
  }
}
