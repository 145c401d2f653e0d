/**
 * ORDER_PROGRESSION_MS: every order placed while it is on walks PENDING → PAID → SHIPPED →
 * DELIVERED, one step per period, so a subscriber (Sandbox, the demo) sees live changes. A
 * cancelled order stops where it is. Timers do not keep the process alive and end with `dispose`.
 */
import type { OrderRecord, OrderStatus } from './store';

const NEXT: Partial<Record<OrderStatus, OrderStatus>> = { PENDING: 'PAID', PAID: 'SHIPPED', SHIPPED: 'DELIVERED' };

export class OrderProgression {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly periodMs: number,
    /** Applies one step; resolves with the order as it is now (undefined: gone). */
    private readonly advance: (orderId: string, to: OrderStatus) => Promise<OrderRecord | undefined>,
    private readonly current: (orderId: string) => Promise<OrderRecord | undefined>,
  ) {}

  start(order: OrderRecord): void {
    if (this.periodMs <= 0) return;
    const timer = setInterval(() => {
      void this.step(order.id).then((more) => {
        if (more) return;
        clearInterval(timer);
        this.timers.delete(timer);
      });
    }, this.periodMs);
    timer.unref();
    this.timers.add(timer);
  }

  dispose(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
  }

  /** One step; false once there is nothing left to do for this order. */
  private async step(orderId: string): Promise<boolean> {
    const order = await this.current(orderId);
    const to = order && NEXT[order.status];
    if (!to) return false;
    const moved = await this.advance(orderId, to);
    return moved !== undefined && NEXT[moved.status] !== undefined;
  }
}
