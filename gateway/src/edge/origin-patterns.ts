/**
 * Pure: CORS_ORIGINS entries → matchers. An origin is `scheme://host[:port]`, compared as the
 * browser sends it (lower case, no path). Patterns are deliberately narrow: `*` may stand for
 * subdomain labels (`https://*.example.com`, never `example.com` itself or another suffix) or for
 * the port (`http://localhost:*`); a bare `*` allows every origin.
 */
export type OriginRule = { kind: 'any' } | { kind: 'exact'; origin: string } | { kind: 'pattern'; source: string; regex: RegExp };

const EXACT = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$|^https?:\/\/\[[0-9a-f:.]+\](:\d{1,5})?$/;
const PATTERN = /^(https?):\/\/(\*\.)?([a-z0-9.-]+|\[[0-9a-f:.]+\])(:\*|:\d{1,5})?$/;

export function compileOrigins(entries: readonly string[]): { rules: OriginRule[]; problems: string[] } {
  const rules: OriginRule[] = [];
  const problems: string[] = [];
  for (const raw of entries) {
    const entry = raw.toLowerCase().replace(/\/$/, '');
    if (entry === '*') rules.push({ kind: 'any' });
    else if (!entry.includes('*') && EXACT.test(entry)) rules.push({ kind: 'exact', origin: entry });
    else if (PATTERN.test(entry)) rules.push({ kind: 'pattern', source: entry, regex: toRegex(entry) });
    else problems.push(`${JSON.stringify(raw)} is not an origin (scheme://host[:port]) or a supported pattern (https://*.example.com, http://localhost:*)`);
  }
  return { rules, problems };
}

export function originAllowed(rules: readonly OriginRule[], origin: string): boolean {
  for (const rule of rules) {
    if (rule.kind === 'any') return true;
    if (rule.kind === 'exact' ? rule.origin === origin : rule.regex.test(origin)) return true;
  }
  return false;
}

function toRegex(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  const source = escaped
    // `*.` = one or more DNS labels, so `https://*.example.com` never matches `https://evil-example.com`.
    .replace('://*\\.', '://(?:[a-z0-9-]+\\.)+')
    .replace(/:\*$/, '(?::\\d{1,5})?');
  return new RegExp(`^${source}$`);
}
