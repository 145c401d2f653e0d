import type { GraphQLError } from 'graphql';
import type { ResponsePathKeys } from './deferred-parts';

/**
 * The payloads of an incremental response in the format Apollo Client's Defer20220824Handler and
 * Apollo Router use (`multipart/mixed; deferSpec=20220824`): errors are still GraphQLError objects
 * here; whoever sends them formats them.
 */

/** The first payload of an incremental response (deferSpec=20220824). */
export interface InitialPayload {
  data?: Record<string, unknown> | null;
  errors?: GraphQLError[];
  extensions?: Record<string, unknown>;
  hasNext: boolean;
}

export interface IncrementalItem {
  data: Record<string, unknown> | null;
  path: ResponsePathKeys;
  label?: string;
  errors?: GraphQLError[];
  extensions?: Record<string, unknown>;
}

export interface SubsequentPayload {
  incremental?: IncrementalItem[];
  hasNext: boolean;
}

/** A part about to be sent, changeable in place by `onPart`. */
export interface PartToSend {
  /** The @defer label (hidden ones included); undefined for the primary part. */
  label: string | undefined;
  path: ResponsePathKeys;
  data: Record<string, unknown> | null | undefined;
  errors: GraphQLError[];
}

