/**
 * Where the stack's TLS files are, relative to its output folder (compose mounts them from there): the
 * files stackgen generates for development (`tls/` beside .env, git-ignored), or the user's own.
 */
import path from 'node:path';
import type { Stack } from './normalize.js';
import type { StackParsed } from './schema.js';
import { BACKEND_LIST, type BackendName } from '../backends/index.js';
import { listed } from '../prose.js';
import { SERVICE_NAMES, type Role } from './services.js';

export const GENERATED_TLS_DIR = 'tls';

export interface CertificatePaths {
  cert: string;
  key: string;
}

/** The servers with a certificate of their own: the collector, a backend that serves TLS (Tempo), Loki. */
export type TlsServer = 'collector' | BackendName | 'loki';

export type TlsPaths = {
  ca: string;
  /** Present only for generated certificates: what signs them. */
  caKey?: string;
  collector: CertificatePaths;
} & { [S in Exclude<TlsServer, 'collector'>]?: CertificatePaths };

/** Who reads the server keys, in prose: "the collector, Tempo and Loki" (they run as uid 10001). */
export const KEY_READERS = listed([
  'the collector',
  ...BACKEND_LIST.filter((b) => b.tlsServer).map((b) => b.title),
  'Loki',
]);

/** The backend of the stack when it serves TLS with a certificate of its own (`tlsServer` in its facts). */
function tlsBackend(components: readonly Role[]) {
  return BACKEND_LIST.find((b) => b.tlsServer && components.includes(b.name as Role));
}

/** Worked out once, by normalize: the stack's `tls.paths`. */
export function tlsPathsOf(
  tls: NonNullable<StackParsed['tls']>,
  output: string,
  components: Role[],
): TlsPaths | undefined {
  if (!tls.enabled) return undefined;
  const backend = tlsBackend(components);
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
      ...(backend ? { [backend.name]: generated(backend.tlsServer!) } : {}),
      ...(loki ? { loki: generated(SERVICE_NAMES.loki) } : {}),
    };
  }
  const fromOutput = (file: string) => path.posix.relative(output, file);
  const pair = (p: CertificatePaths) => ({ cert: fromOutput(p.cert), key: fromOutput(p.key) });
  const own = backend && files[backend.name as BackendName];
  return {
    ca: fromOutput(files.ca),
    collector: pair(files.collector),
    ...(backend && own ? { [backend.name]: pair(own) } : {}),
    ...(loki && files.loki ? { loki: pair(files.loki) } : {}),
  };
}

/** The names each server certificate must carry: how containers (service name) and the host (localhost) reach it. */
export function serverIdentities(
  stack: Stack,
): { role: TlsServer; name: string; dnsNames: string[]; ips: string[] }[] {
  const extra = stack.tls.extraNames;
  const isIp = (name: string) => /^[\d.]+$/.test(name) || name.includes(':');
  const backend = tlsBackend(stack.components);
  const identity = (role: TlsServer, name: string) => ({
    role,
    name,
    dnsNames: [name, 'localhost', ...extra.filter((n) => !isIp(n))],
    ips: ['127.0.0.1', ...extra.filter(isIp)],
  });
  return [
    identity('collector', SERVICE_NAMES.collector),
    ...(backend ? [identity(backend.name as BackendName, backend.tlsServer!)] : []),
    ...(stack.components.includes('loki') ? [identity('loki', SERVICE_NAMES.loki)] : []),
  ];
}

/** Every TLS file the stack reads, relative to the output folder (what compose mounts). */
export function tlsInputs(stack: Stack): string[] {
  const paths = stack.tls.paths;
  if (!paths) return [];
  const pairs = [paths.collector, ...BACKEND_LIST.map((b) => paths[b.name as BackendName]), paths.loki];
  return [paths.ca, ...pairs.flatMap((pair) => (pair ? [pair.cert, pair.key] : []))];
}
