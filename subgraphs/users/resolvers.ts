import { pageSize } from '../shared/args';
import type { SubgraphContext } from '../shared/context';
import type { SubgraphResolvers } from '../shared/definition';
import { subgraphError } from '../shared/errors';
import { createByKeyLoader } from '../shared/loaders';
import type { UserRecord, UsersStore } from './store';

export function createUsersLoaders(store: UsersStore) {
  return {
    userById: createByKeyLoader((ids) => store.byIds(ids), (user: UserRecord) => user.id),
  };
}

export type UsersLoaders = ReturnType<typeof createUsersLoaders>;
type Context = SubgraphContext<UsersLoaders>;

export function createUsersResolvers(store: UsersStore): SubgraphResolvers<UsersLoaders> {
  return {
    Query: {
      user: (_: unknown, args: { id: string }, ctx: Context) => ctx.loaders.userById.load(args.id),
      users: async (_: unknown, args: { first?: number | null; after?: string | null }, ctx: Context) => {
        const afterId = args.after == null ? null : decodeCursor(args.after);
        const page = await store.page(afterId, pageSize(args.first));
        if (!page) throw subgraphError('BAD_USER_INPUT', '`after` is not a cursor from this list', { field: 'after' });
        for (const user of page.users) ctx.loaders.userById.prime(user.id, user);
        const edges = page.users.map((user) => ({ cursor: encodeCursor(user.id), node: user }));
        return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
      },
      me: (_: unknown, __: unknown, ctx: Context) =>
        ctx.principal.id === null ? null : ctx.loaders.userById.load(ctx.principal.id),
    },
    User: {
      __resolveReference: (ref: { id: string }, ctx: Context) => ctx.loaders.userById.load(ref.id),
    },
  };
}

const CURSOR_PREFIX = 'user:';

function encodeCursor(userId: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${userId}`).toString('base64url');
}

function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith(CURSOR_PREFIX)) {
    throw subgraphError('BAD_USER_INPUT', '`after` is not a cursor from this list', { field: 'after' });
  }
  return decoded.slice(CURSOR_PREFIX.length);
}
