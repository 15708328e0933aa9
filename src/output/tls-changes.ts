/**
 * The development certificates of a stack with TLS on and no files of the user's: a local CA and a server
 * certificate per TLS endpoint, in <output>/tls (git-ignored). Created when missing, never replaced unless
 * asked (`stackgen certs --renew`). Server keys are readable by all: the services run as other users than
 * the one running stackgen and must read them; the CA key is the user's alone.
 */
import path from 'node:path';
import type { Stack } from '../model/normalize.js';
import { GENERATED_TLS_DIR, serverIdentities } from '../model/tls.js';
import type { PemPair } from '../tls/certificates.js';
import type { FileChange } from './atomic.js';
import { OperationError } from '../errors.js';
import { FolderGuard } from './paths.js';

export interface TlsChange {
  changes: FileChange[];
  /** Files written, relative to the output folder. */
  created: string[];
  /** Lines the project's .gitignore must hold. */
  ignore: string[];
}

export async function tlsChanges(
  root: string,
  stack: Stack,
  options: { renew: boolean },
  guard = new FolderGuard(root),
): Promise<TlsChange> {
  const paths = stack.tls.paths;
  if (!paths?.caKey) return { changes: [], created: [], ignore: [] };
  // The X.509 library is loaded only by stacks that make certificates.
  const { createCa, issueServerCertificate } = await import('../tls/certificates.js');
  const outDir = path.resolve(root, stack.output);
  // Keys are never read through a link: it could hand the stack someone else's key, or leak one.
  const read = async (file: string) => {
    const entry = await guard.read(path.join(outDir, file));
    if (entry.kind === 'file') return entry.content;
    if (entry.kind === 'missing') return undefined;
    throw new OperationError(
      `${stack.output}/${file} is not a regular file (a link?); remove it, then run again`,
    );
  };
  const changes: FileChange[] = [];
  const write = (file: string, content: string, mode: number) =>
    changes.push({ path: path.join(outDir, file), content, mode });

  const existingCa = { cert: await read(paths.ca), key: await read(paths.caKey) };
  const reuseCa = !options.renew && existingCa.cert !== undefined && existingCa.key !== undefined;
  const ca: PemPair = reuseCa ? (existingCa as PemPair) : await createCa(stack.name);
  if (!reuseCa) {
    write(paths.ca, ca.cert, 0o644);
    write(paths.caKey, ca.key, 0o600);
  }
  for (const identity of serverIdentities(stack)) {
    const pair = paths[identity.role]!;
    // A new CA invalidates every certificate; otherwise only missing ones are issued, and those lacking a
    // name the stack now asks for (tls.extraNames).
    const existing = reuseCa ? await read(pair.cert) : undefined;
    if (
      existing !== undefined &&
      (await read(pair.key)) !== undefined &&
      (await carriesNames(existing, ca, identity))
    )
      continue;
    const issued = await issueServerCertificate(ca, identity);
    write(pair.cert, issued.cert, 0o644);
    write(pair.key, issued.key, 0o644);
  }
  return {
    changes,
    created: changes.map((c) => path.relative(outDir, c.path)),
    // Always: a .gitignore line lost since the keys were made comes back.
    ignore: [`/${stack.output}/${GENERATED_TLS_DIR}/`],
  };
}

async function carriesNames(
  cert: string,
  ca: PemPair,
  identity: { dnsNames: string[]; ips: string[] },
): Promise<boolean> {
  const { inspectCertificate } = await import('../tls/certificates.js');
  const facts = await inspectCertificate(cert, ca.cert).catch(() => undefined);
  return (
    !!facts &&
    identity.dnsNames.every((n) => facts.dnsNames.includes(n)) &&
    identity.ips.every((ip) => facts.ips.includes(ip))
  );
}
