import { startStack } from './test/helpers/stack';
import { bearer } from './test/helpers/tokens';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { signIdentity, DEV_IDENTITY_SECRET } from './subgraphs/shared/identity';
async function main() {
  const stack = await startStack({ subgraphs: ['users', 'reviews'], env: { LOG_LEVEL: 'debug', SUBSCRIPTIONS_MAX_PER_CALLER: '100' } });
  const lat: number[] = [];
  const N = Number(process.env.N ?? 200), C = Number(process.env.C ?? 40);
  let got = 0;
  for (let c = 0; c < C; c++) {
    const auth = await bearer(`u${c}`);
    const client = createClient({ url: stack.gatewayUrl.replace('http', 'ws'), webSocketImpl: WebSocket, connectionParams: auth, retryAttempts: 0, lazy: false });
    for (let i = 0; i < N / C; i++) client.subscribe<any>({ query: 'subscription { reviewAdded { body author { name } } }' }, { next: (r) => { got++; const t = JSON.parse(r.data.reviewAdded.body).t; lat.push(Date.now() - t); }, error: (e) => console.log('err', e), complete: () => {} });
  }
  await new Promise((r) => setTimeout(r, 3000));
  console.log('open', stack.subgraphs.reviews!.openSubscriptions());
  for (let s = 0; s < 10; s++) {
    const rid = 'r' + s;
    await fetch(stack.subgraphs.reviews!.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': rid, 'x-frontdoor-identity': signIdentity({ id: '7', scopes: [] }, rid, DEV_IDENTITY_SECRET) }, body: JSON.stringify({ query: 'mutation($b: String!) { addReview(input: { productSku: "SKU-007", rating: 4, body: $b }) { id } }', variables: { b: JSON.stringify({ t: Date.now() }) } }) });
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 3000));
  lat.sort((a, b) => a - b);
  console.log('got', got, 'p50', lat[Math.floor(lat.length / 2)], 'p99', lat[Math.floor(lat.length * 0.99)], 'max', lat.at(-1));
  process.exit(0);
}
void main();
