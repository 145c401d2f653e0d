import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ENV_KEYS, loadConfig } from '../../gateway/src/config';
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

describe('deploy/k8s overlays for Redis Cluster and Sentinel', () => {
  const [deployment] = manifests('deployment.yaml');
  const baseEnv = (at(deployment, 'spec', 'template', 'spec', 'containers', 0, 'env') ?? []) as EnvVar[];
  const containerName = at(deployment, 'spec', 'template', 'spec', 'containers', 0, 'name');

  /** kustomize's strategic merge of a container's env, merged by name (`$patch: delete` removes). */
  function renderedEnv(overlay: string): EnvVar[] {
    const kustomization = manifests(`overlays/${overlay}/kustomization.yaml`)[0];
    expect(at(kustomization, 'resources')).toEqual(['../..']);
    const patchPath = at(kustomization, 'patches', 0, 'path') as string;
    const [patch] = manifests(`overlays/${overlay}/${patchPath}`);
    expect(at(patch, 'kind')).toBe('Deployment');
    expect(at(patch, 'metadata', 'name')).toBe(at(deployment, 'metadata', 'name'));
    expect(at(patch, 'spec', 'template', 'spec', 'containers', 0, 'name')).toBe(containerName);
    const env = new Map(baseEnv.map((e) => [e.name, e]));
    for (const e of at(patch, 'spec', 'template', 'spec', 'containers', 0, 'env') as Array<EnvVar & { $patch?: string }>) {
      if (e.$patch === 'delete') env.delete(e.name);
      else env.set(e.name, e);
    }
    return [...env.values()];
  }

  /** Secret values from the example Secrets, by `name/key`. */
  const examples = new Map(
    ['redis-secret.example.yaml', 'identity-secret.example.yaml'].flatMap((file) => {
      const secret = manifests(file)[0];
      return Object.entries((at(secret, 'stringData') ?? {}) as Record<string, string>).map(([key, value]) => [`${String(at(secret, 'metadata', 'name'))}/${key}`, value] as const);
    }),
  );
  /** The environment a pod would get with the example Secrets, as the gateway reads it. */
  const asEnvironment = (env: EnvVar[]) =>
    Object.fromEntries(
      env.map((e) => {
        const ref = at(e, 'valueFrom', 'secretKeyRef') as { name: string; key: string } | undefined;
        return [e.name, e.value ?? (ref ? examples.get(`${ref.name}/${ref.key}`) : undefined)];
      }),
    );

  it('when the base is applied, then kustomize takes the Deployment, Service and HPA (not the example Secret), and its pod configuration starts in production', () => {
    expect(loadConfig(asEnvironment(baseEnv)).redis).toMatchObject({ topology: { kind: 'single' } });
    expect(at(manifests('kustomization.yaml')[0], 'resources')).toEqual(['deployment.yaml', 'service.yaml', 'hpa.yaml']);
  });

  it.each([
    ['redis-cluster', 'cluster', 'REDIS_CLUSTER_NODES'],
    ['redis-sentinel', 'sentinel', 'REDIS_SENTINELS'],
  ])('when the %s overlay is applied, then the pod names one topology (%s) the gateway accepts, with the password from the Secret', (overlay, kind, variable) => {
    const env = renderedEnv(overlay);
    const names = env.map((e) => e.name);
    for (const name of names) expect(ENV_KEYS).toContain(name);
    expect(names.filter((n) => ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'].includes(n))).toEqual([variable]);
    expect(at(env.find((e) => e.name === 'REDIS_PASSWORD'), 'valueFrom', 'secretKeyRef')).toEqual({ name: 'frontdoor-redis', key: 'password' });
    const redis = loadConfig(asEnvironment(env)).redis;
    expect(redis && redis.topology.kind).toBe(kind);
  });
});
