/**
 * `npm run token -- --sub 1 --scopes "orders:read payments:read"`: prints a development token for
 * Sandbox and curl, signed with AUTH_JWT_SECRET (default: the public development secret) and the
 * gateway's default issuer and audience. Flags: --sub (required), --scopes, --ttl <seconds>
 * (default 3600), --iss, --aud, --jti (default: a random UUID; --no-jti for none), --secret.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { DEV_JWT_SECRET } from '../gateway/src/auth/auth-config';

export interface DevTokenOptions {
  sub: string;
  scopes?: string;
  ttlS?: number;
  iss?: string;
  aud?: string;
  /** null: no `jti` claim (then logout revokes by token hash). */
  jti?: string | null;
  secret?: string;
}

export async function signDevToken(opts: DevTokenOptions): Promise<string> {
  const jwt = new SignJWT(opts.scopes ? { scope: opts.scopes } : {})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(opts.sub)
    .setIssuer(opts.iss ?? 'frontdoor-dev')
    .setAudience(opts.aud ?? 'frontdoor')
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (opts.ttlS ?? 3600));
  const jti = opts.jti === undefined ? randomUUID() : opts.jti;
  if (jti) jwt.setJti(jti);
  return jwt.sign(new TextEncoder().encode(opts.secret ?? DEV_JWT_SECRET));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      scopes: { type: 'string', default: '' },
      ttl: { type: 'string', default: '3600' },
      iss: { type: 'string' },
      aud: { type: 'string' },
      jti: { type: 'string' },
      'no-jti': { type: 'boolean', default: false },
      secret: { type: 'string' },
    },
  });
  if (!values.sub) {
    process.stderr.write('usage: npm run token -- --sub <user id> [--scopes "orders:read payments:read"] [--ttl 3600] [--iss ..] [--aud ..] [--jti ..|--no-jti] [--secret ..]\n');
    process.exit(2);
  }
  const ttlS = Number(values.ttl);
  if (!Number.isInteger(ttlS)) throw new Error('--ttl must be an integer number of seconds');
  const token = await signDevToken({
    sub: values.sub,
    scopes: values.scopes,
    ttlS,
    ...(values.iss ? { iss: values.iss } : {}),
    ...(values.aud ? { aud: values.aud } : {}),
    jti: values['no-jti'] ? null : (values.jti ?? randomUUID()),
    secret: values.secret ?? process.env.AUTH_JWT_SECRET ?? DEV_JWT_SECRET,
  });
  process.stdout.write(`${token}\n`);
}

if (require.main === module) void main();
