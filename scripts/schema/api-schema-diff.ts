import { Supergraph } from '@apollo/federation-internals';
import { findBreakingChanges, findDangerousChanges, type GraphQLSchema } from 'graphql';

export type ChangeSeverity = 'breaking' | 'dangerous';

export interface SchemaChange {
  severity: ChangeSeverity;
  /** graphql-js change type, e.g. FIELD_REMOVED, ARG_CHANGED_KIND, REQUIRED_ARG_ADDED. */
  type: string;
  /** The schema coordinate the change is about (`User.email`, `Query.user`, `OrderStatus`). */
  coordinate: string;
  description: string;
}

/** The client-facing API schema of a supergraph (no join/link plumbing, no @inaccessible). */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  // No feature check: this only reads the API schema, whatever features the gateway enforces.
  return Supergraph.build(supergraphSdl, { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();
}

/**
 * Pure: what a client would notice going from one supergraph to another. Compares the API
 * schemas (what clients see), not the subgraph SDLs, so a field moved between subgraphs is not a
 * change while a removed or retyped one is.
 */
export function diffApiSchemas(currentSupergraphSdl: string, proposedSupergraphSdl: string): SchemaChange[] {
  const before = apiSchemaOf(currentSupergraphSdl);
  const after = apiSchemaOf(proposedSupergraphSdl);
  return [
    ...findBreakingChanges(before, after).map((c) => toChange('breaking', c.type, c.description)),
    ...findDangerousChanges(before, after).map((c) => toChange('dangerous', c.type, c.description)),
  ];
}

function toChange(severity: ChangeSeverity, type: string, description: string): SchemaChange {
  return { severity, type, coordinate: coordinateOf(description), description };
}

/**
 * graphql-js describes changes as sentences that start with the coordinate ("User.email was
 * removed.", "Query.user arg id has changed type …", "ENUM_VALUE … was removed from enum type
 * OrderStatus."); this pulls the coordinate out so usage data can be matched against it.
 */
export function coordinateOf(description: string): string {
  const arg = /^An? (?:required|optional) arg \w+ on (\w+\.\w+) was added/.exec(description);
  if (arg?.[1]) return arg[1];
  const inputField = /^An? (?:required|optional) field (\w+) on input type (\w+) was added/.exec(description);
  if (inputField?.[1] && inputField[2]) return `${inputField[2]}.${inputField[1]}`;
  const enumValue = /^(\w+) was (?:removed from|added to) enum type (\w+)/.exec(description);
  if (enumValue?.[1] && enumValue[2]) return `${enumValue[2]}.${enumValue[1]}`;
  const member = /was (?:removed from|added to) union type (\w+)/.exec(description);
  if (member?.[1]) return member[1];
  const leading = /^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?)/.exec(description);
  return leading?.[1] ?? description;
}
