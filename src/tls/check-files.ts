/**
 * The user's own TLS files (tls.files): that they exist, are what they claim, were signed by the CA they
 * name, carry the names the services are reached by, and are not expired. Problems point at the field.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Stack } from '../model/normalize.js';
import type { PathIssue } from '../model/validate.js';
import { serverIdentities } from '../model/tls.js';
import { inspectCertificate } from './certificates.js';

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
    const pair = identity.role === 'tempo' ? files.tempo : files.collector;
    if (!pair) continue;
    const at = ['tls', 'files', identity.role];
    const [cert, key] = [await read([...at, 'cert'], pair.cert), await read([...at, 'key'], pair.key)];
    if (key !== undefined && !/-----BEGIN (EC |RSA )?PRIVATE KEY-----/.test(key)) {
      error([...at, 'key'], `${pair.key} holds no PEM private key`);
    }
    if (cert === undefined || ca === undefined) continue;
    const facts = await inspectCertificate(cert, ca).catch(() => undefined);
    if (!facts) {
      error([...at, 'cert'], `${pair.cert} or ${files.ca} is not a PEM certificate`);
      continue;
    }
    if (!facts.signedByCa) error([...at, 'cert'], `${pair.cert} is not signed by the CA ${files.ca}`);
    const missing = identity.dnsNames.filter((n) => !facts.dnsNames.includes(n));
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
