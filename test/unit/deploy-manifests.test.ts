import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ENV_KEYS } from '../../gateway/src/config';
import { GATEWAY_NODE_FLAGS } from '../../gateway/src/node-flags';

// Docker cannot run on the CI machines, so the deploy files are checked for the structure the
// fleet relies on instead of being run.
const DEPLOY = path.resolve(__dirname, '../../deploy');

function manifests(file: string): unknown[] {
  return parseAllDocuments(readFileSync(path.join(DEPLOY, 'k8s', file), 'utf8')).map((d) => d.toJS() as unknown);
}

/** Walks parsed YAML by keys and indexes; undefined when any step is missing. */
function at(value: unknown, ...keys: Array<string | number>): unknown {
  let current = value;
  for (const key of keys) current = current !== null && typeof current === 'object' ? (current as Record<string | number, unknown>)[key] : undefined;
  return current;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

describe('deploy/Dockerfile', () => {
  const dockerfile = readFileSync(path.join(DEPLOY, 'Dockerfile'), 'utf8');
  const instructions = dockerfile.split('\n').filter((l) => /^[A-Z]+\s/.test(l));

  it('when read, then the gateway starts with the V8 flags it ships with, as `npm run gateway` does', () => {
    const cmd = instructions.find((l) => l.startsWith('CMD'));
    const gatewayScript = (JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.gateway;
    for (const flag of GATEWAY_NODE_FLAGS) {
      expect(cmd).toContain(`"${flag}"`);
      expect(gatewayScript).toContain(flag);
    }
  });

  it('when read, then it is multi-stage and the final stage copies only the build output', () => {
    expect(instructions.filter((l) => l.startsWith('FROM'))).toHaveLength(2);
    expect(dockerfile).toMatch(/^FROM .* AS build$/m);
    expect(dockerfile).toContain('COPY --from=build /app/gateway/dist gateway/dist');
  });

  it('when read, then the gateway runs as a non-root user with a health check on /health', () => {
    const lastFrom = instructions.map((l) => l.startsWith('FROM')).lastIndexOf(true);
    const runtime = instructions.slice(lastFrom);
    expect(runtime.some((l) => /^USER (node|\d+)/.test(l))).toBe(true);
    expect(runtime.some((l) => l.startsWith('HEALTHCHECK'))).toBe(true);
    expect(dockerfile).toContain('/health');
    expect(runtime.some((l) => l.includes('npm ci --omit=dev'))).toBe(true);
  });
});

describe('deploy/k8s', () => {
  const [deployment] = manifests('deployment.yaml');
  const pod = at(deployment, 'spec', 'template', 'spec');
  const container = at(pod, 'containers', 0);
  const env = (at(container, 'env') ?? []) as EnvVar[];

  it('when read, then the Deployment probes /ready for traffic and /health for liveness', () => {
    expect(at(deployment, 'kind')).toBe('Deployment');
    expect(at(container, 'readinessProbe', 'httpGet', 'path')).toBe('/ready');
    expect(at(container, 'livenessProbe', 'httpGet', 'path')).toBe('/health');
  });

  it('when read, then Redis comes from a Secret and every env var is one the gateway accepts', () => {
    expect(at(env.find((e) => e.name === 'REDIS_URL'), 'valueFrom', 'secretKeyRef')).toEqual({ name: 'frontdoor-redis', key: 'url' });
    for (const e of env) expect(ENV_KEYS).toContain(e.name);
  });

  it('when read, then pods run as non-root and get longer to stop than the gateway drains', () => {
    expect(at(pod, 'securityContext', 'runAsNonRoot')).toBe(true);
    const graceMs = Number(env.find((e) => e.name === 'SHUTDOWN_GRACE_MS')?.value);
    expect(Number(at(pod, 'terminationGracePeriodSeconds')) * 1000).toBeGreaterThan(graceMs);
  });

  it('when read, then the HPA and Service target the Deployment', () => {
    const [hpa] = manifests('hpa.yaml');
    const [service] = manifests('service.yaml');
    expect(at(hpa, 'kind')).toBe('HorizontalPodAutoscaler');
    expect(at(hpa, 'spec', 'scaleTargetRef')).toMatchObject({ kind: 'Deployment', name: at(deployment, 'metadata', 'name') });
    expect(Number(at(hpa, 'spec', 'minReplicas'))).toBeGreaterThanOrEqual(2);
    expect(at(service, 'spec', 'selector')).toEqual(at(deployment, 'spec', 'selector', 'matchLabels'));
  });
});
