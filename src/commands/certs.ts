/**
 * `stackgen certs [STACK] [--renew]`: the development CA and server certificates of a stack with TLS on,
 * in <output>/tls (git-ignored). Creates what is missing; --renew replaces them all with a new CA.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { CommandContext } from '../io.js';
import { KEY_READERS, serverIdentities } from '../model/tls.js';
import { folderLock, withLock } from '../lock.js';
import { applyChanges } from '../output/atomic.js';
import { gitignoreChange } from '../output/secrets.js';
import { tlsChanges } from '../output/tls-changes.js';
import { selectStack } from '../runtime/select-stack.js';
import { inspectCertificate } from '../tls/certificates.js';

export interface CertsOptions extends CommandContext {
  stack: string | undefined;
  renew: boolean;
}

export async function certs(options: CertsOptions): Promise<void> {
  const { cwd, io } = options;
  const { stack } = await selectStack(cwd, io, options.stack, 'certs', options.invokedIn);
  const paths = stack.tls.paths;
  if (!paths) throw new UsageError(`TLS is off in ${stack.sourceFile}: set tls.enabled: true first`);
  if (!paths.caKey) {
    io.out(
      `${stack.sourceFile} uses your own certificates (tls.files); stackgen checked them and makes none.`,
    );
  } else {
    const change = await withLock(folderLock(cwd), 'certs', async () => {
      const change = await tlsChanges(cwd, stack, { renew: options.renew });
      const ignore = await gitignoreChange(cwd, change.ignore);
      await applyChanges(cwd, [...change.changes, ...(ignore ? [ignore] : [])]);
      return change;
    });
    io.out(
      change.created.length
        ? `${stack.output}/: wrote ${change.created.join(', ')}`
        : `${stack.output}/tls: the certificates exist; --renew replaces them with a new CA.`,
    );
    if (change.created.length && options.renew)
      io.out('Restart the stack ("stackgen down", then "stackgen up") for its services to load them.');
    if (change.created.some((f) => f.endsWith('.key')))
      io.out(
        `The server keys are readable by every user of this machine (mode 0644): ${KEY_READERS} run as their own users (uid 10001) and read them through a bind mount. They stay git-ignored; the CA key is yours alone (0600).`,
      );
  }
  const outDir = path.resolve(cwd, stack.output);
  const ca = await readFile(path.join(outDir, paths.ca), 'utf8');
  for (const identity of serverIdentities(stack)) {
    const pair = paths[identity.role]!;
    const facts = await inspectCertificate(await readFile(path.join(outDir, pair.cert), 'utf8'), ca);
    io.out(
      `  ${identity.name}: ${[...facts.dnsNames, ...facts.ips].join(', ')}; valid until ${facts.notAfter.toISOString().slice(0, 10)}`,
    );
  }
}
