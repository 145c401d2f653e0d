// federation_version: Rover downloads the composition build it names; we cannot, so the
// installed @apollo/composition must satisfy it, and the run fails with a fix when it does not.

/** `=2.14.4` pins one composition version; `2` accepts any 2.x. */
export type FederationVersion =
  | { kind: 'exact'; version: string; raw: string }
  | { kind: 'major'; major: number; raw: string };

/** Parses `federation_version`; absent means "any 2.x", as in Rover. Returns the problem as a string. */
export function parseFederationVersion(raw: unknown): FederationVersion | string {
  if (raw === undefined || raw === null) return { kind: 'major', major: 2, raw: '2' };
  const text = String(raw).trim();
  const exact = /^=(\d+)\.\d+\.\d+$/.exec(text);
  const major = /^(\d+)$/.exec(text);
  const majorNumber = exact?.[1] ?? major?.[1];
  if (majorNumber === undefined) return `"${text}" is not a version: use "=2.x.y" (exact) or 2 (any 2.x)`;
  if (majorNumber !== '2') return `${text} is not supported: only Federation 2 composition is available`;
  return exact ? { kind: 'exact', version: text.slice(1), raw: text } : { kind: 'major', major: 2, raw: text };
}

/** Returns why the installed @apollo/composition does not satisfy `wanted`, or undefined when it does. */
export function federationVersionMismatch(wanted: FederationVersion, installed: string): string | undefined {
  const installedMajor = Number(installed.split('.')[0]);
  const ok = wanted.kind === 'exact' ? installed === wanted.version : installedMajor === wanted.major;
  if (ok) return undefined;
  const fix =
    wanted.kind === 'exact'
      ? `set federation_version: =${installed}, or run npm install --save-exact @apollo/composition@${wanted.version}`
      : `install a ${wanted.major}.x @apollo/composition`;
  return `federation_version ${wanted.raw} needs @apollo/composition ${wanted.kind === 'exact' ? wanted.version : `${wanted.major}.x`}, but ${installed} is installed: ${fix}`;
}

/** The version that stands in for Rover's downloaded composition plugin. */
export function installedCompositionVersion(): string {
  return (require('@apollo/composition/package.json') as { version: string }).version;
}
