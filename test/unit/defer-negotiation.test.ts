import { parse, type FieldNode, visit, print } from 'graphql';
import { wantsDeferMultipart } from '../../gateway/src/incremental/accept';
import { deferDocument } from '../../gateway/src/incremental/defer-document';

describe('wantsDeferMultipart', () => {
  it.each([
    ['Apollo Client 4 with its Defer20220824Handler', 'multipart/mixed;deferSpec=20220824,application/graphql-response+json,application/json;q=0.9', true],
    ['Apollo Router docs / Sandbox style', 'multipart/mixed; deferSpec=20220824, application/json', true],
    ['quoted parameter value', 'multipart/mixed;deferSpec="20220824",application/json', true],
    ['urql (JSON first, bare multipart last)', 'application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed', false],
    ['plain JSON', 'application/json', false],
    ['anything', '*/*', false],
    ['bare multipart/mixed (Apollo Server would not pick deferSpec)', 'multipart/mixed', false],
    ['the newer incrementalSpec only', 'multipart/mixed;incrementalSpec=v0.2,application/json', false],
    ['incrementalSpec preferred to deferSpec', 'multipart/mixed;incrementalSpec=v0.2,multipart/mixed;deferSpec=20220824;q=0.5', false],
    ['deferSpec below JSON', 'application/json,multipart/mixed;deferSpec=20220824;q=0.5', false],
  ])('when the Accept header is %s (%s), then multipart is %s', (_name, accept, expected) => {
    expect(wantsDeferMultipart(accept)).toBe(expected);
  });

  it('when there is no Accept header, then the answer is JSON', () => {
    expect(wantsDeferMultipart(undefined)).toBe(false);
  });
});

describe('deferDocument', () => {
  const fieldsNamed = (document: ReturnType<typeof parse>, name: string): FieldNode[] => {
    const out: FieldNode[] = [];
    visit(document, { Field: (node) => void (node.name.value === name && out.push(node)) });
    return out;
  };

  it('when an operation has no @defer, then there is nothing to prepare', () => {
    expect(deferDocument(parse('query Q { user(id: "1") { id } }'), 'Q')).toBeNull();
  });

  it('when fragments hold @defer, then they are inlined, unlabelled ones get hidden labels and user labels stay', () => {
    const prepared = deferDocument(
      parse('query Q { user(id: "1") { id ...Late @defer ... @defer(label: "mine") { name } } } fragment Late on User { reviewStats { count } }'),
      'Q',
    );

    expect(prepared?.hiddenLabels.size).toBe(1);
    const hidden = [...(prepared?.hiddenLabels ?? [])][0];
    expect(print(prepared!.document)).toContain(`... on User @defer(label: "${hidden}")`);
    expect(print(prepared!.document)).toContain('@defer(label: "mine")');
    expect(print(prepared!.document)).not.toContain('fragment Late');
  });

  it('when a field sits in nested defers, then its part is the innermost one whose if holds', () => {
    const prepared = deferDocument(
      parse('query Q($on: Boolean!) { user(id: "1") { id ... @defer(label: "outer") { name ... @defer(label: "inner", if: $on) { email } } } }'),
      'Q',
    )!;
    const [id] = fieldsNamed(prepared.document, 'id');
    const [email] = fieldsNamed(prepared.document, 'email');

    expect(prepared.partOf(id!, { on: true })).toBeUndefined();
    expect(prepared.partOf(email!, { on: true })).toBe('inner');
    expect(prepared.partOf(email!, { on: false })).toBe('outer');
  });

  it('when the root selects __schema, then the operation says so (it is answered whole)', () => {
    expect(deferDocument(parse('{ __schema { queryType { name } } user(id: "1") { ... @defer { name } } }'), undefined)?.selectsIntrospection).toBe(true);
  });
});
