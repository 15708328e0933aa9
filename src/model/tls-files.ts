/**
 * The user's own TLS files (tls.files): that they exist, are what they claim, were signed by the CA they
 * name, carry the names the services are reached by, and are not expired. Problems point at the field.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Stack } from './normalize.js';
import type { PathIssue } from './validate.js';
import { KEY_READERS, serverIdentities } from './tls.js';
import { inspectCertificate } from '../tls/certificates.js';

const DAY = 24 * 60 * 60 * 1000;

export async function checkTlsFiles(root: string, stack: Stack, now = new Date()): Promise<PathIssue[]> {
  const files = stack.tls.files;
  if (!stack.tls.enabled || !files) return [];
  const issues: PathIssue[] = [];
  const error = (at: (string | number)[], message: string) =>
    issues.push({ path: at, message, severity: 'error' });
  const read = async (at: (string | number)[], file: string) =>
    readFile(path.resolve(root, file), 'utf8').catch(() => {
      error(at, `${file} does not exist`);
      return undefined;
    });

  const ca = await read(['tls', 'files', 'ca'], files.ca);
  for (const identity of serverIdentities(stack)) {
    const pair = files[identity.role];
    if (!pair) continue;
    const at = ['tls', 'files', identity.role];
    const [cert, key] = [await read([...at, 'cert'], pair.cert), await read([...at, 'key'], pair.key)];
    if (key !== undefined && !/-----BEGIN (EC |RSA )?PRIVATE KEY-----/.test(key)) {
      error([...at, 'key'], `${pair.key} holds no PEM private key`);
    } else if (key !== undefined && cert !== undefined && !keyMatches(cert, key)) {
      error(
        [...at, 'key'],
        `${pair.key} is not the key of ${pair.cert}: the server could not prove it holds the certificate`,
      );
    }
    if (key !== undefined) {
      const unreadable = await unreadableByService(path.resolve(root, pair.key));
      if (unreadable)
        issues.push({
          path: [...at, 'key'],
          message: `${pair.key} ${unreadable}`,
          severity: process.platform === 'linux' ? 'error' : 'warning',
        });
    }
    if (cert === undefined || ca === undefined) continue;
    const facts = await inspectCertificate(cert, ca).catch(() => undefined);
    if (!facts) {
      error([...at, 'cert'], `${pair.cert} or ${files.ca} is not a PEM certificate`);
      continue;
    }
    if (!facts.signedByCa) error([...at, 'cert'], `${pair.cert} is not signed by the CA ${files.ca}`);
    const missing = [
      ...identity.dnsNames.filter((n) => !facts.dnsNames.includes(n)),
      ...identity.ips.filter((ip) => ip !== '127.0.0.1' && !facts.ips.includes(ip)),
    ];
    if (missing.length) {
      error(
        [...at, 'cert'],
        `${pair.cert} does not name ${missing.join(', ')} (it names ${[...facts.dnsNames, ...facts.ips].join(', ') || 'nothing'}); clients reach ${identity.name} by these names`,
      );
    }
    if (facts.notAfter < now)
      error([...at, 'cert'], `${pair.cert} expired on ${facts.notAfter.toISOString().slice(0, 10)}`);
    else if (facts.notAfter.getTime() - now.getTime() < 30 * DAY) {
      issues.push({
        path: [...at, 'cert'],
        message: `${pair.cert} expires on ${facts.notAfter.toISOString().slice(0, 10)}`,
        severity: 'warning',
      });
    }
  }
  return issues;
}

/** True when the private key is the one the certificate's public key belongs to. */
function keyMatches(certPem: string, keyPem: string): boolean {
  try {
    return new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

/** The services reading these keys (the collector, Tempo, Loki) run as uid and gid 10001. */
const SERVICE_UID = 10001;

/**
 * Why the service's own user could not read the key through its bind mount, or undefined when it can:
 * readable by all, or by that uid or gid.
 */
async function unreadableByService(file: string): Promise<string | undefined> {
  const info = await stat(file).catch(() => undefined);
  if (!info) return undefined;
  const mode = info.mode & 0o777;
  if (mode & 0o004) return undefined;
  if (info.uid === SERVICE_UID && mode & 0o400) return undefined;
  if (info.gid === SERVICE_UID && mode & 0o040) return undefined;
  return `is not readable by uid ${SERVICE_UID}, the user ${KEY_READERS} run as (mode ${mode.toString(8).padStart(4, '0')}, owner ${info.uid}:${info.gid}), so the service could not read it through its bind mount: give it mode 0644 (keep it out of git) or owner ${SERVICE_UID}`;
}
