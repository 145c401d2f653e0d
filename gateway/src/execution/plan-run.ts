import type { Operation } from '@apollo/federation-internals';
import { evaluateCondition, type DeferNode, type PlanNode } from '@apollo/query-planner';
import { GraphQLError } from 'graphql';
import { executeFetch, type FetchScope } from './fetch-node';
import { moveIntoCursor, type ResultCursor } from './result-cursor';

export interface PlanRunOptions extends FetchScope {
  /** The operation as planned: Condition nodes read its variable definitions (defaults included). */
  operation: Operation;
  /**
   * Runs a Defer node (execution/deferred-run.ts). Without it a Defer node fails the way
   * @apollo/gateway's executor does.
   */
  onDefer?: (node: DeferNode, cursor: ResultCursor, errors: GraphQLError[]) => Promise<void>;
}

/**
 * Walks plan nodes over one operation's data: Sequence in order, Parallel together, Flatten moves
 * the cursor, Condition picks a branch from the variables, Fetch calls a subgraph, Defer is handed
 * to `onDefer`. Errors go to the list each call is given (a deferred block has its own).
 *
 * It also tells when each fetch that has an `id` is done (ran, failed, or cannot run because its
 * parent is null): deferred blocks wait for the fetches they `depend` on. Ids are unique only
 * within one branch of a plan's top Condition nodes (each `@defer(if: $var)` combination is planned
 * on its own), so a fetch in a branch not taken settles nothing: whoever waits must also stop
 * waiting once the part of the plan that holds the fetch is over (deferred-run.ts does).
 */
export class PlanRun {
  private readonly fetches = new Map<string, { done: Promise<void>; settle: () => void }>();

  constructor(private readonly opts: PlanRunOptions) {}

  /** Resolves once a fetch with this `id` has finished, failed, or been skipped for a null parent. */
  fetched(id: string): Promise<void> {
    return this.entry(id).done;
  }

  async execute(node: PlanNode, cursor: ResultCursor | undefined, errors: GraphQLError[]): Promise<void> {
    // No data here (a null parent): nothing below can run, and nothing may wait for it.
    if (!cursor) return this.settleAll(node);
    switch (node.kind) {
      case 'Sequence':
        for (const child of node.nodes) await this.execute(child, cursor, errors);
        return;
      case 'Parallel':
        await Promise.all(node.nodes.map((child) => this.execute(child, cursor, errors)));
        return;
      case 'Flatten':
        return this.execute(node.node, moveIntoCursor(cursor, node.path), errors);
      case 'Fetch':
        try {
          await executeFetch(this.opts, node, cursor, errors);
        } catch (err) {
          errors.push(toGraphQLError(err));
        } finally {
          if (node.id !== undefined) this.settle(node.id);
        }
        return;
      case 'Condition': {
        const taken = evaluateCondition(node, this.opts.operation.variableDefinitions, this.opts.requestContext.request.variables);
        const branch = taken ? node.ifClause : node.elseClause;
        if (branch) await this.execute(branch, cursor, errors);
        return;
      }
      case 'Defer':
        if (!this.opts.onDefer) throw new Error('@defer support is not available in the gateway');
        return this.opts.onDefer(node, cursor, errors);
    }
  }

  private entry(id: string) {
    let entry = this.fetches.get(id);
    if (!entry) {
      let settle = (): void => undefined;
      const done = new Promise<void>((resolve) => (settle = resolve));
      entry = { done, settle };
      this.fetches.set(id, entry);
    }
    return entry;
  }

  private settle(id: string): void {
    this.entry(id).settle();
  }

  private settleAll(node: PlanNode): void {
    for (const id of fetchIdsIn(node)) this.settle(id);
  }
}

/** Every fetch id in a plan subtree, deferred blocks included. */
export function fetchIdsIn(node: PlanNode | undefined, out: string[] = []): string[] {
  if (!node) return out;
  switch (node.kind) {
    case 'Fetch':
      if (node.id !== undefined) out.push(node.id);
      break;
    case 'Sequence':
    case 'Parallel':
      for (const child of node.nodes) fetchIdsIn(child, out);
      break;
    case 'Flatten':
      fetchIdsIn(node.node, out);
      break;
    case 'Condition':
      fetchIdsIn(node.ifClause, out);
      fetchIdsIn(node.elseClause, out);
      break;
    case 'Defer':
      fetchIdsIn(node.primary.node, out);
      for (const deferred of node.deferred) fetchIdsIn(deferred.node, out);
      break;
  }
  return out;
}

/** What @apollo/gateway collects from a failed fetch; Apollo Server would wrap a plain Error the same way. */
function toGraphQLError(err: unknown): GraphQLError {
  if (err instanceof GraphQLError) return err;
  if (err instanceof Error) return new GraphQLError(err.message, { originalError: err });
  return new GraphQLError(String(err));
}
