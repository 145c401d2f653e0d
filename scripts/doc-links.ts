import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Checks that every relative link and #anchor in the Markdown docs resolves, the way GitHub renders
 * them. A small hand-written scanner instead of a Markdown library: our docs use inline links,
 * reference definitions, fenced code and code spans only, and the slug rule is GitHub's
 * (github-slugger), short enough to keep here with its own unit tests.
 */

const REPO_ROOT = path.resolve(__dirname, '..');

/** The Markdown files whose links are checked: README.md, subgraphs/README.md and docs/**. */
export function docFiles(root: string = REPO_ROOT): string[] {
  const files = ['README.md', 'subgraphs/README.md'].map((f) => path.join(root, f)).filter((f) => existsSync(f));
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.md')) files.push(full);
    }
  };
  if (existsSync(path.join(root, 'docs'))) walk(path.join(root, 'docs'));
  return files;
}

/** Lines outside fenced code blocks (``` or ~~~), with their 1-based numbers. */
function proseLines(markdown: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((text, i) => {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(text)?.[1];
    if (marker !== undefined && (fence === undefined || (marker[0] === fence[0] && marker.length >= fence.length))) {
      fence = fence === undefined ? marker : undefined;
      return;
    }
    if (fence === undefined) out.push({ line: i + 1, text });
  });
  return out;
}

/** GitHub's heading slug: lower case, punctuation other than `-` and `_` dropped, each space a `-`. */
export function githubSlug(headingText: string): string {
  return headingText
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** The text a heading renders to: code spans keep their content, links their text, HTML tags go. */
function renderedText(heading: string): string {
  return heading
    .replace(/(`+)([\s\S]*?)\1/g, (_m, _ticks: string, code: string) => code.trim())
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .trim();
}

/** Every anchor a file's headings get, duplicates numbered `-1`, `-2` … as GitHub does. */
export function headingAnchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const { text } of proseLines(markdown)) {
    const m = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(text);
    if (!m) continue;
    const base = githubSlug(renderedText(m[1] ?? ''));
    let slug = base;
    while (anchors.has(slug)) {
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      slug = `${base}-${n}`;
    }
    anchors.add(slug);
  }
  return anchors;
}

export interface DocLink {
  line: number;
  target: string;
}

/** Inline links/images `[t](target)` and reference definitions `[t]: target`, outside code. */
export function extractLinks(markdown: string): DocLink[] {
  const links: DocLink[] = [];
  for (const { line, text } of proseLines(markdown)) {
    const prose = text.replace(/(`+)[\s\S]*?\1/g, '');
    for (const m of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ line, target: m[1] ?? '' });
    const ref = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(prose);
    if (ref) links.push({ line, target: ref[1] ?? '' });
  }
  return links;
}

/** Why a link does not resolve, or undefined when it does. External (scheme:) links are not checked. */
export function checkLink(fromFile: string, target: string, root: string = REPO_ROOT): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined;
  const hash = target.indexOf('#');
  const filePart = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
  const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const resolved = filePart === '' ? fromFile : path.resolve(path.dirname(fromFile), filePart);
  const relative = path.relative(root, resolved);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return `${target}: points outside the repository`;
  if (!existsSync(resolved)) return `${target}: no such file`;
  if (anchor === undefined || !resolved.endsWith('.md') || statSync(resolved).isDirectory()) return undefined;
  if (!headingAnchors(readFileSync(resolved, 'utf8')).has(anchor)) return `${target}: no heading with anchor #${anchor} in ${relative}`;
  return undefined;
}

/** Every broken link in the given files, as `file:line: reason`. */
export function brokenLinks(files: readonly string[] = docFiles(), root: string = REPO_ROOT): string[] {
  const problems: string[] = [];
  for (const file of files) {
    for (const { line, target } of extractLinks(readFileSync(file, 'utf8'))) {
      const problem = checkLink(file, target, root);
      if (problem !== undefined) problems.push(`${path.relative(root, file)}:${line}: ${problem}`);
    }
  }
  return problems;
}

if (require.main === module) {
  const problems = brokenLinks();
  for (const p of problems) process.stderr.write(`${p}\n`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}
