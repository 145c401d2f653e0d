import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';

export interface PemPaths {
  certFile: string;
  keyFile: string;
  /** Intermediates, appended to the certificate so clients get the whole chain. */
  chainFile?: string | undefined;
}

export interface LoadedPem {
  cert: string;
  key: string;
  /** SHA-256 fingerprint of the leaf certificate (for logs and "did it change?"). */
  fingerprint256: string;
}

export type PemResult = ({ ok: true } & LoadedPem) | { ok: false; problem: string };

/**
 * Reads a certificate/key pair and proves it usable (createSecureContext checks that the key
 * matches the certificate), so a half-written or mismatched pair is refused here, never served.
 * The problem text names files and causes only, never key material.
 */
export function readPemFiles(paths: PemPaths): PemResult {
  let cert: string;
  let key: string;
  try {
    cert = readFileSync(paths.certFile, 'utf8');
    key = readFileSync(paths.keyFile, 'utf8');
    if (paths.chainFile) cert = `${cert.trimEnd()}\n${readFileSync(paths.chainFile, 'utf8')}`;
  } catch (err) {
    return { ok: false, problem: `cannot read ${(err as NodeJS.ErrnoException).path ?? 'a certificate file'} (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  try {
    createSecureContext({ cert, key });
  } catch (err) {
    return { ok: false, problem: `${paths.certFile} / ${paths.keyFile} are not a usable PEM certificate and key (${(err as Error).message})` };
  }
  return { ok: true, cert, key, fingerprint256: leafFingerprint(cert) };
}

/** The options a TLS server needs for a loaded pair. */
export function secureContextOptions(pem: LoadedPem): SecureContextOptions {
  return { cert: pem.cert, key: pem.key };
}

/** Files that cannot be read, as `path (CODE)`. */
export function unreadableFiles(files: ReadonlyArray<string | undefined>): string[] {
  const problems: string[] = [];
  for (const file of files) {
    if (!file) continue;
    try {
      readFileSync(file);
    } catch (err) {
      problems.push(`${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return problems;
}

function leafFingerprint(certPem: string): string {
  // X509Certificate reads the first certificate of a PEM bundle: the leaf.
  return new X509Certificate(certPem).fingerprint256;
}
