// Shared by both config files: one YAML parser (malformed YAML always reads `file:line:col: message`)
// and one error type carrying every problem found, one line each.
import { parseDocument } from 'yaml';

/** Every problem found in a config file, one human-readable line each (no stack trace needed). */
export class ConfigError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(issues.join('\n'));
    this.name = new.target.name;
  }
}

export type YamlSource = unknown;

export type YamlParseResult = { ok: true; value: YamlSource } | { ok: false; issues: string[] };

export function parseYaml(text: string, sourceName: string): YamlParseResult {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((error) => {
        // yaml's message is "<what> at line L, column C:\n\n<code frame>"; keep only <what>.
        const what = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
        const pos = error.linePos?.[0];
        return `${sourceName}${pos ? `:${pos.line}:${pos.col}` : ''}: malformed YAML: ${what}`;
      }),
    };
  }
  return { ok: true, value: doc.toJS() };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
