/** A minimal GraphQL-over-HTTP client for the contract tests: real HTTP against a running subgraph. */
import { adminIdentity } from '../helpers/tokens';

export interface GraphQLErrorJson {
  message: string;
  path?: Array<string | number>;
  extensions?: { code?: string; [key: string]: unknown };
}

export interface GraphQLResponse<TData> {
  status: number;
  data: TData | null | undefined;
  errors: GraphQLErrorJson[] | undefined;
}

export interface RequestOptions {
  variables?: Record<string, unknown>;
  headers?: Record<string, string>;
  /**
   * Who the call claims to be. Subgraphs check ownership, so by default contract calls carry a
   * signed `admin` identity (what the gateway sends for an admin) and can read anyone's seed data.
   * 'anonymous' sends none; identity headers in `headers` win over the default. @default 'admin'
   */
  identity?: 'admin' | 'anonymous';
}

export async function graphql<TData = Record<string, unknown>>(
  url: string,
  query: string,
  { variables = {}, headers = {}, identity = 'admin' }: RequestOptions = {},
): Promise<GraphQLResponse<TData>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(identity === 'admin' ? adminIdentity() : {}), ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: TData | null; errors?: GraphQLErrorJson[] };
  return { status: response.status, data: body.data, errors: body.errors };
}

export const ENTITIES_QUERY = (selection: string): string =>
  `query Entities($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${selection} } }`;

/** `_entities` for representations `{ __typename, id }`; `selection` starts with the type name, e.g. `User { id }`. */
export async function resolveEntities<T = Record<string, unknown>>(
  url: string,
  typename: string,
  ids: readonly string[],
  fields: string,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<{ _entities: Array<T | null> }>> {
  return graphql<{ _entities: Array<T | null> }>(url, ENTITIES_QUERY(`${typename} { ${fields} }`), {
    variables: { representations: ids.map((id) => ({ __typename: typename, id })) },
    headers,
  });
}
