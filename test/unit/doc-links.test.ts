import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brokenLinks, docFiles, extractLinks, githubSlug, headingAnchors } from '../../scripts/doc-links';

describe('documentation links', () => {
  it('when README.md and docs/ are read, then every relative link and anchor resolves', () => {
    const files = docFiles();
    expect(files.map((f) => path.basename(f))).toEqual(expect.arrayContaining(['README.md', 'configuration.md', 'errors.md']));
    expect(brokenLinks(files)).toEqual([]);
  });
});

describe('githubSlug and headingAnchors', () => {
  it('when a heading has punctuation, code and spaces, then the anchor follows GitHub', () => {
    expect(githubSlug('HTTPS, HTTP/2 and browsers')).toBe('https-http2-and-browsers');
    const anchors = headingAnchors('## Response cache (`RESPONSE_CACHE_*`)\n### Resilience: deadlines, retries\n');
    expect([...anchors]).toEqual(['response-cache-response_cache_', 'resilience-deadlines-retries']);
  });

  it('when headings repeat, then the later ones get -1, -2', () => {
    expect([...headingAnchors('# Notes\n## Notes\n## Notes\n')]).toEqual(['notes', 'notes-1', 'notes-2']);
  });

  it('when a heading-like line is inside a code fence, then it makes no anchor', () => {
    expect([...headingAnchors('```sh\n# not a heading\n```\n## Real\n')]).toEqual(['real']);
  });
});

describe('brokenLinks', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'frontdoor-doc-links-'));
  mkdirSync(path.join(root, 'docs'));
  writeFileSync(path.join(root, 'docs', 'target.md'), '# Target\n## Some section\n');
  const check = (markdown: string): string[] => {
    const file = path.join(root, 'docs', 'source.md');
    writeFileSync(file, markdown);
    return brokenLinks([file], root);
  };

  it('when links point at existing files and headings, then nothing is reported', () => {
    expect(check('[a](target.md) [b](target.md#some-section) [c](#local)\n## Local\n[d](https://example.com/#x)')).toEqual([]);
  });

  it('when a file is missing, then the link is reported with its line', () => {
    expect(check('ok\n[a](missing.md)')).toEqual(['docs/source.md:2: missing.md: no such file']);
  });

  it('when an anchor matches no heading, then it is reported', () => {
    expect(check('[a](target.md#no-such-section) [b](#nowhere)')).toHaveLength(2);
  });

  it('when a link leaves the repository, then it is reported', () => {
    expect(check('[a](../../outside.md)')[0]).toMatch(/outside the repository/);
  });

  it('when a link sits in a code span or a code fence, then it is not a link', () => {
    expect(extractLinks('`[a](missing.md)`\n```\n[b](missing.md)\n```\n[c]: ref.md')).toEqual([{ line: 5, target: 'ref.md' }]);
  });
});
