/** Order events: what `orderStatusChanged` streams, one pub/sub topic per buyer. */
import { topicStream } from '../shared/event-stream';
import type { Logger } from '../shared/logger';
import type { PubSub } from '../shared/pubsub';
import type { OrderRecord } from './store';

export function orderTopic(userId: string): string {
  return `orders.status.${userId}`;
}

export class OrderEvents {
  constructor(
    private readonly pubsub: PubSub,
    private readonly log: Logger | undefined,
  ) {}

  /** Publishes the order as it is now. The change itself has happened: a failed publish is logged, not thrown. */
  async changed(order: OrderRecord): Promise<void> {
    try {
      await this.pubsub.publish(orderTopic(order.userId), order);
    } catch (err) {
      this.log?.warn({ err: String(err), orderId: order.id }, 'order event not published');
    }
  }

  stream(userId: string): Promise<AsyncIterableIterator<OrderRecord>> {
    return topicStream<OrderRecord>(this.pubsub, orderTopic(userId));
  }
}
