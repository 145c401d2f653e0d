import { seedOrdersForUser } from '../../subgraphs/shared/seed';
import type { SubgraphHandle } from '../../subgraphs/shared/server';
import { until } from './ws-client';

/** Users with a seeded PENDING order (cancelOrder accepts only those), `count` of them from user `from` on. */
export function usersWithPendingOrders(count: number, from = 1): Array<{ userId: string; orderId: string }> {
  const out: Array<{ userId: string; orderId: string }> = [];
  for (let n = from; out.length < count && n < from + 1000; n += 1) {
    const order = seedOrdersForUser(String(n)).find((o) => o.status === 'PENDING');
    if (order) out.push({ userId: String(n), orderId: order.id });
  }
  return out;
}

/** Resolves once `subgraph` streams `count` subscriptions (the gateway's upstreams are live). */
export function upstreamsLive(subgraph: SubgraphHandle | undefined, count: number): Promise<void> {
  if (!subgraph) throw new Error('subgraph not started');
  return until(() => subgraph.openSubscriptions() === count, `${count} live subscriptions on ${subgraph.name}`);
}

export const ORDER_STATUS = 'subscription Status { orderStatusChanged { id status total currency payment { status amount } } }';
export const ORDER_QUERY = 'query Order($id: ID!) { order(id: $id) { id status total currency payment { status amount } } }';
export const CANCEL = 'mutation Cancel($id: ID!) { cancelOrder(id: $id) { id status } }';
