/**
 * Where the stack's TLS files are, relative to its output folder (compose mounts them from there): the
 * files stackgen generates for development (`tls/` beside .env, git-ignored), or the user's own.
 */
import path from 'node:path';
import type { Stack } from './normalize.js';
import type { StackParsed } from './schema.js';
import { SERVICE_NAMES, type Role } from './services.js';

export const GENERATED_TLS_DIR = 'tls';

export interface CertificatePaths {
  cert: string;
  key: string;
}

export interface TlsPaths {
  ca: string;
  /** Present only for generated certificates: what signs them. */
  caKey?: string;
  collector: CertificatePaths;
  tempo?: CertificatePaths;
  loki?: CertificatePaths;
}

/** The servers with a certificate of their own. */
export type TlsServer = 'collector' | 'tempo' | 'loki';

/** Worked out once, by normalize: the stack's `tls.paths`. */
export function tlsPathsOf(
  tls: NonNullable<StackParsed['tls']>,
  output: string,
  components: Role[],
): TlsPaths | undefined {
  if (!tls.enabled) return undefined;
  const tempo = components.includes('tempo');
  const loki = components.includes('loki');
  const files = tls.files;
  if (!files) {
    const generated = (name: string) => ({
      cert: `${GENERATED_TLS_DIR}/${name}.crt`,
      key: `${GENERATED_TLS_DIR}/${name}.key`,
    });
    return {
      ca: `${GENERATED_TLS_DIR}/ca.crt`,
      caKey: `${GENERATED_TLS_DIR}/ca.key`,
      collector: generated(SERVICE_NAMES.collector),
      ...(tempo ? { tempo: generated(SERVICE_NAMES.tempo) } : {}),
      ...(loki ? { loki: generated(SERVICE_NAMES.loki) } : {}),
    };
  }
  const fromOutput = (file: string) => path.posix.relative(output, file);
  const pair = (p: CertificatePaths) => ({ cert: fromOutput(p.cert), key: fromOutput(p.key) });
  return {
    ca: fromOutput(files.ca),
    collector: pair(files.collector),
    ...(tempo && files.tempo ? { tempo: pair(files.tempo) } : {}),
    ...(loki && files.loki ? { loki: pair(files.loki) } : {}),
  };
}

/** The names each server certificate must carry: how containers (service name) and the host (localhost) reach it. */
export function serverIdentities(
  stack: Stack,
): { role: TlsServer; name: string; dnsNames: string[]; ips: string[] }[] {
  const extra = stack.tls.extraNames;
  const isIp = (name: string) => /^[\d.]+$/.test(name) || name.includes(':');
  const identity = (role: TlsServer, name: string) => ({
    role,
    name,
    dnsNames: [name, 'localhost', ...extra.filter((n) => !isIp(n))],
    ips: ['127.0.0.1', ...extra.filter(isIp)],
  });
  return [
    identity('collector', SERVICE_NAMES.collector),
    ...(stack.components.includes('tempo') ? [identity('tempo', SERVICE_NAMES.tempo)] : []),
    ...(stack.components.includes('loki') ? [identity('loki', SERVICE_NAMES.loki)] : []),
  ];
}

/** Every TLS file the stack reads, relative to the output folder (what compose mounts). */
export function tlsInputs(stack: Stack): string[] {
  const paths = stack.tls.paths;
  if (!paths) return [];
  return [
    paths.ca,
    paths.collector.cert,
    paths.collector.key,
    ...(paths.tempo ? [paths.tempo.cert, paths.tempo.key] : []),
    ...(paths.loki ? [paths.loki.cert, paths.loki.key] : []),
  ];
}
