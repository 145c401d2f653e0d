import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './processes';

/** The profile query clients, tests and benchmarks share (one call to users, then five in parallel). */
export const PROFILE_QUERY = readFileSync(path.join(ROOT, 'gateway/operations/profile.graphql'), 'utf8');

/** The floor: the profile's first subgraph call, sent to the users subgraph directly. */
export const FLOOR_QUERY = 'query User($id: ID!) { user(id: $id) { id name email } }';
