import type { DeferNode, DeferredNode, PlanNode, QueryPlan } from '@apollo/query-planner';
import { GraphQLError } from 'graphql';
import { AsyncQueue } from './async-queue';
import { DeferredParts, type ResponsePathKeys } from './deferred-parts';
import type { IncrementalItem, InitialPayload, PartToSend, SubsequentPayload } from './incremental-payloads';
import type { PlanExecutionInput } from './execute-plan';
import { PlanRun } from './plan-run';
import type { ResultMap } from './result-cursor';
import { SentData } from './sent-data';
import { shapeResult } from './shape-result';

export interface DeferredRunOptions {
  /** Labels left out of payloads: ones the caller added so every block can be told apart. */
  hiddenLabels?: ReadonlySet<string>;
  /** Ends the stream: blocks not sent yet arrive as `data: null` with `timeoutError` at their places. */
  signal?: AbortSignal;
  timeoutError?: (path: ResponsePathKeys) => GraphQLError;
  /** Sees every part before it is sent (filter-mode authorization puts back what it removed). */
  onPart?: (part: PartToSend) => void;
}

export interface DeferredRun {
  /** The primary part, once its own fetches are done. */
  initial: Promise<InitialPayload>;
  /** Each deferred block as soon as it is ready (parents before children); the last says `hasNext: false`. */
  subsequent: AsyncIterable<SubsequentPayload>;
  /** Everything sent so far, merged as the client merges it (the whole result once `ended`). */
  delivered(): ResultMap;
  /** When the stream is over: every part sent, timed out, or the consumer stopped reading. */
  ended: Promise<{ timedOut: boolean }>;
}

interface Block {
  label: string | undefined;
  queryPath: readonly string[];
  subselection: string | undefined;
  parent: Block | undefined;
  depends: readonly string[];
  /** Done when every primary part above this block has run: a fetch it depends on that has not settled by then never will. */
  scope: Promise<unknown>;
  node: PlanNode | undefined;
  errors: GraphQLError[];
  completed: boolean;
  sent: boolean;
  whenSent: Promise<void>;
  markSent: () => void;
}

/**
 * Executes a plan with Defer nodes: the primary part first, then each deferred block as soon as
 * the fetches it `depends` on and its own fetches are done (not in plan order), a nested block
 * never before its parent. Fetches start as early as the plan allows: a block's fetches run while
 * its parent's primary fetches are still in flight, only its payload waits.
 */
export function runDeferredPlan(plan: QueryPlan, input: PlanExecutionInput, options: DeferredRunOptions = {}): DeferredRun {
  return new DeferredScheduler(input, options).start(plan);
}

class DeferredScheduler {
  private readonly raw: ResultMap = Object.create(null) as ResultMap;
  private readonly sent = new SentData();
  private readonly parts: DeferredParts;
  private readonly run: PlanRun;
  private readonly queue = new AsyncQueue<SubsequentPayload>(() => this.finish(false));
  private readonly root = block(undefined, [], undefined, undefined, [], Promise.resolve(), undefined);
  private readonly owners = new WeakMap<DeferNode, Block>();
  private readonly open = new Set<Block>();
  private resolveInitial: (payload: InitialPayload) => void = () => undefined;
  private rejectInitial: (err: unknown) => void = () => undefined;
  private resolveEnded: (value: { timedOut: boolean }) => void = () => undefined;
  private timeoutDue = false;
  private closed = false;

  constructor(
    private readonly input: PlanExecutionInput,
    private readonly options: DeferredRunOptions,
  ) {
    this.parts = new DeferredParts(input);
    this.run = new PlanRun({ ...input, onDefer: (node, cursor, errors) => this.onDefer(node, cursor, errors) });
  }

  start(plan: QueryPlan): DeferredRun {
    const initial = new Promise<InitialPayload>((resolve, reject) => {
      this.resolveInitial = resolve;
      this.rejectInitial = reject;
    });
    const ended = new Promise<{ timedOut: boolean }>((resolve) => (this.resolveEnded = resolve));
    this.options.signal?.addEventListener('abort', () => this.timeOut(), { once: true });
    if (plan.node?.kind === 'Subscription') throw new Error('Execution of subscriptions not supported by gateway');
    const node = plan.node;
    const rootErrors: GraphQLError[] = [];
    const whole = async (): Promise<void> => {
      if (node) await this.run.execute(node, { path: [], data: this.raw, fullResult: this.raw }, rootErrors);
      // No Defer node on the branch the variables chose: one whole result.
      if (!this.root.completed) this.completeRoot(undefined, rootErrors, true);
    };
    whole().catch((err: unknown) => {
      this.rejectInitial(err);
      this.finish(false);
    });
    return { initial, subsequent: this.queue, delivered: () => this.sent.data, ended };
  }

  private async onDefer(node: DeferNode, cursor: Parameters<PlanRun['execute']>[1], errors: GraphQLError[]): Promise<void> {
    const owner = this.owners.get(node) ?? this.root;
    let primaryDone = (): void => undefined;
    const scope = Promise.all([new Promise<void>((resolve) => (primaryDone = resolve)), owner.scope]);
    for (const deferred of node.deferred) void this.runBlock(this.register(deferred, owner, scope), cursor);
    try {
      if (node.primary.node) await this.run.execute(node.primary.node, cursor, errors);
    } finally {
      primaryDone();
    }
    // A second Defer for an owner already sent (not a shape the planner makes) adds no payload.
    if (owner.completed) return;
    if (owner === this.root) this.completeRoot(node.primary.subselection, errors, false);
    else await this.completeBlock(owner, node.primary.subselection, errors);
  }

  private register(deferred: DeferredNode, parent: Block, scope: Promise<unknown>): Block {
    const created = block(deferred.label, deferred.queryPath, deferred.subselection, parent, deferred.depends.map((d) => d.id), scope, deferred.node);
    // A block with nested defers: its own part is that Defer node's primary.
    if (deferred.node?.kind === 'Defer') this.owners.set(deferred.node, created);
    this.open.add(created);
    return created;
  }

  private async runBlock(b: Block, cursor: Parameters<PlanRun['execute']>[1]): Promise<void> {
    try {
      await Promise.race([Promise.all(b.depends.map((id) => this.run.fetched(id))), b.scope]);
      if (b.node && !this.closed) await this.run.execute(b.node, cursor, b.errors);
    } catch (err) {
      b.errors.push(toGraphQLError(err));
    }
    try {
      if (!b.completed) await this.completeBlock(b, b.subselection, b.errors);
    } catch (err) {
      // Shaping failed (a bug or data the schema cannot hold): the block still ends, with the error.
      this.endBlock(b, () => toGraphQLError(err));
    }
  }

  private completeRoot(subselection: string | undefined, errors: GraphQLError[], whole: boolean): void {
    this.root.completed = true;
    const shaped = whole ? shapeResult(this.input, this.raw, errors) : this.parts.primary(subselection, this.raw, errors);
    const part: PartToSend = { label: undefined, path: [], data: shaped.data, errors: [...(shaped.errors ?? [])] };
    this.options.onPart?.(part);
    if (part.data) this.sent.replace(part.data);
    const hasNext = this.open.size > 0 && !this.closed;
    this.resolveInitial({ data: part.data, ...(part.errors.length > 0 ? { errors: part.errors } : {}), ...(shaped.extensions ? { extensions: shaped.extensions } : {}), hasNext });
    this.root.markSent();
    if (!hasNext) this.finish(false);
    else if (this.timeoutDue) this.timeOut();
  }

  private async completeBlock(b: Block, subselection: string | undefined, errors: GraphQLError[]): Promise<void> {
    b.completed = true;
    await b.parent?.whenSent;
    if (this.closed) return b.markSent();
    const items: IncrementalItem[] = [];
    for (const shaped of this.parts.items(b.queryPath, subselection, this.raw, this.sent.data, errors)) {
      const part: PartToSend = { label: b.label, path: shaped.path, data: shaped.data, errors: shaped.errors ?? [] };
      this.options.onPart?.(part);
      items.push({
        data: part.data ?? null,
        path: part.path,
        ...(this.visibleLabel(b.label) ? { label: b.label } : {}),
        ...(part.errors.length > 0 ? { errors: part.errors } : {}),
        ...(shaped.extensions ? { extensions: shaped.extensions } : {}),
      });
      if (part.data) this.sent.mergeAt(part.path, part.data);
    }
    this.open.delete(b);
    const hasNext = this.open.size > 0;
    if (items.length > 0 || !hasNext) this.queue.push({ ...(items.length > 0 ? { incremental: items } : {}), hasNext });
    b.markSent();
    if (!hasNext) this.finish(false);
  }

  /** The deadline: what is not sent yet arrives now as null with a coded error, and the stream ends. */
  private timeOut(): void {
    if (this.closed) return;
    if (!this.root.sent) {
      this.timeoutDue = true;
      return;
    }
    const items: IncrementalItem[] = [];
    for (const b of this.open) {
      // A block whose parent was not sent has no place in the client's data: the parent's item covers it.
      if (b.parent && !b.parent.sent) continue;
      items.push(...this.failedItems(b, (path) => this.options.timeoutError?.(path) ?? new GraphQLError('Deferred part timed out', { path })));
    }
    this.queue.push({ ...(items.length > 0 ? { incremental: items } : {}), hasNext: false });
    this.finish(true);
  }

  /** Ends one block that cannot be shaped: null with `error` at each of its places. */
  private endBlock(b: Block, error: (path: ResponsePathKeys) => GraphQLError): void {
    if (this.closed || !this.open.has(b)) return;
    this.open.delete(b);
    const items = b.parent && !b.parent.sent ? [] : this.failedItems(b, error);
    const hasNext = this.open.size > 0;
    if (items.length > 0 || !hasNext) this.queue.push({ ...(items.length > 0 ? { incremental: items } : {}), hasNext });
    b.markSent();
    if (!hasNext) this.finish(false);
  }

  private failedItems(b: Block, error: (path: ResponsePathKeys) => GraphQLError): IncrementalItem[] {
    return this.parts.places(b.queryPath, this.raw, this.sent.data).map((path) => ({
      data: null,
      path,
      ...(this.visibleLabel(b.label) ? { label: b.label } : {}),
      errors: [error(path)],
    }));
  }

  private visibleLabel(label: string | undefined): label is string {
    return label !== undefined && !this.options.hiddenLabels?.has(label);
  }

  private finish(timedOut: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.end();
    // Blocks still waiting for a parent's payload see `closed` and stop.
    this.root.markSent();
    for (const b of this.open) b.markSent();
    this.resolveEnded({ timedOut });
  }
}

function toGraphQLError(err: unknown): GraphQLError {
  if (err instanceof GraphQLError) return err;
  return new GraphQLError(err instanceof Error ? err.message : String(err), err instanceof Error ? { originalError: err } : {});
}

function block(
  label: string | undefined,
  queryPath: readonly string[],
  subselection: string | undefined,
  parent: Block | undefined,
  depends: readonly string[],
  scope: Promise<unknown>,
  node: PlanNode | undefined,
): Block {
  let markSent = (): void => undefined;
  const whenSent = new Promise<void>((resolve) => (markSent = resolve));
  const created: Block = { label, queryPath, subselection, parent, depends, scope, node, errors: [], completed: false, sent: false, whenSent, markSent: () => undefined };
  created.markSent = () => {
    created.sent = true;
    markSent();
  };
  return created;
}
