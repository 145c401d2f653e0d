/**
 * `npm run dev-cert -- <dir>`: writes `<dir>/cert.pem` and `<dir>/key.pem`, a self-signed
 * certificate for local HTTPS (SANs localhost, 127.0.0.1, ::1), made in-process by `selfsigned`
 * (no openssl binary needed). Then: TLS_CERT_FILE=<dir>/cert.pem TLS_KEY_FILE=<dir>/key.pem.
 * Browsers and curl do not trust it: pass it as the CA (`curl --cacert <dir>/cert.pem`) or accept
 * the warning. Development only.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from 'selfsigned';

/** Days the certificate is valid: 825 is the longest Apple platforms accept for a server certificate. */
const VALID_DAYS = 825;

export interface DevCertificate {
  cert: string;
  key: string;
}

/** A self-signed P-256 server certificate for localhost, 127.0.0.1 and ::1. */
export async function createDevCertificate(validDays = VALID_DAYS): Promise<DevCertificate> {
  const generated = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + validDays * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
    ],
  });
  return { cert: generated.cert, key: generated.private };
}

/** Writes through a temporary file and a rename, so a running gateway's watcher never reads half a file. */
function writeAtomically(file: string, text: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, file);
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir || dir.startsWith('-')) {
    process.stderr.write('usage: npm run dev-cert -- <dir>\n');
    process.exit(2);
  }
  mkdirSync(dir, { recursive: true });
  const { cert, key } = await createDevCertificate();
  // Key first: a watcher that sees the new certificate then finds its key already in place.
  writeAtomically(path.join(dir, 'key.pem'), key, 0o600);
  writeAtomically(path.join(dir, 'cert.pem'), cert, 0o644);
  process.stdout.write(
    `wrote ${path.join(dir, 'cert.pem')} and ${path.join(dir, 'key.pem')} (localhost, 127.0.0.1, ::1; ${VALID_DAYS} days)\n` +
      `start the gateway with TLS_CERT_FILE=${path.join(dir, 'cert.pem')} TLS_KEY_FILE=${path.join(dir, 'key.pem')}\n`,
  );
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`dev-cert failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
