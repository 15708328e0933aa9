/** What the generated stack README shows: services, endpoints, files, troubleshooting, commands. */
import path from 'node:path';
import { totalMemoryMiB } from '../model/memory.js';
import { SERVICE_NAMES, type Stack } from '../model/normalize.js';
import { backendOf } from '../backends/index.js';
import { listed } from '../prose.js';
import { BACKEND_NAMES } from '../model/constants.js';
import { GENERATED_TLS_DIR } from '../model/tls.js';
import { topologyDiagram } from './topology.js';
import { componentFiles, serviceRoles, stackEndpoints } from './components.js';
import type { BaseView } from './view.js';

interface FileRow {
  path: string;
  description: string;
}

/** A row per described file, or per folder that stands for its files, then what stackgen keeps beside them. */
function filesOf(view: BaseView): FileRow[] {
  const rows = new Map<string, string>();
  for (const file of componentFiles(view)) {
    if (file.readme && !rows.has(file.readme.path ?? file.path))
      rows.set(file.readme.path ?? file.path, file.readme.description);
  }
  if (view.has.tls && !view.stack.tls.files) {
    rows.set(
      `${GENERATED_TLS_DIR}/`,
      'Development CA and server certificates (git-ignored; "npx stackgen certs --renew" replaces them).',
    );
  }
  rows.set('.stackgen/manifest.json', 'The files stackgen owns here and their hashes (for drift checks).');
  return [...rows].map(([path, description]) => ({ path, description }));
}

export function buildReadme(view: BaseView) {
  const { stack } = view;
  const memory = stack.memoryMiB;
  const roles = serviceRoles(view);
  const services = stack.services.map((s) => ({
    name: s.name,
    image: s.image,
    role: roles[s.name] ?? stack.backend,
    memory: memory[s.name] ? mib(memory[s.name]!) : '—',
  }));
  const collector = view.collector.service;
  const tls = stack.tls.paths;
  const scheme = tls ? 'https' : 'http';
  const backend = backendOf(stack.backend);
  const networks = [
    {
      name: stack.networks.observability,
      createdBy: 'this stack',
      members: 'every service of the stack, and your apps',
    },
    ...stack.networks.applications.map((n) => ({
      name: n.name,
      createdBy: n.external
        ? 'another compose project (it must exist before the stack starts)'
        : 'this stack',
      members: 'the collector and your apps',
    })),
  ];
  return {
    networks,
    services,
    diagram: topologyDiagram(stack),
    firstApp: stack.apps[0]?.service ?? '',
    backendName: BACKEND_NAMES[stack.backend],
    verifyCommand: `npx stackgen verify ${stack.name}`,
    totalMemory: mib(totalMemoryMiB(stack)),
    endpoints: stackEndpoints(stack).map((e) => ({ ...e, host: e.host ?? 'not published' })),
    files: filesOf(view),
    // Ids (the env's own, SigNoz's organisation) live in .env too, but are not secrets.
    secretNames: view.secrets.filter((s) => s.kind !== 'id').map((s) => s.name),
    generateCommand: `npx stackgen generate ${stack.sourceFile}`,
    /** What the backend adds to the README (its templates), and whether it brings its own collector. */
    backend: {
      about: backend.render.readme?.about,
      troubleshooting: backend.render.readme?.troubleshooting,
      ownCollector: Boolean(backend.ownCollector),
    },
    composeFile: `${stack.output}/compose.yaml`,
    envFile: `${stack.output}/.env`,
    envExampleFile: `${stack.output}/.env.example`,
    collectorHttpUrl: `${scheme}://${collector}:${stack.collector.otlp.httpPort}`,
    collectorGrpcUrl: `${scheme}://${collector}:${stack.collector.otlp.grpcPort}`,
    caFile: tls ? path.posix.join(stack.output, tls.ca) : '',
    generatedCertificates: Boolean(tls?.caKey),
    tlsDir: `${stack.output}/${GENERATED_TLS_DIR}/`,
    yours: yoursOf(stack),
    tlsServers: listed(
      [
        "The collector's OTLP receivers",
        backend.tlsServer && `${backend.title}'s endpoints`,
        view.has.loki && "Loki's API",
      ].filter((server): server is string => Boolean(server)),
    ),
    swarm:
      stack.target === 'swarm'
        ? {
            dataLabel: stack.swarm.placement.data,
            appNetwork: stack.networks.applications[0]?.name ?? stack.networks.observability,
          }
        : undefined,
    lokiLogsCommand: `npx stackgen logs ${stack.name} ${SERVICE_NAMES.collector} ${SERVICE_NAMES.loki}`,
  };
}

/** The user's own files and patches the stack wires in, for the README's list. */
function yoursOf(stack: Stack): { what: string; from: string }[] {
  const { dashboards, ruleFiles, services, patches } = stack.extensions;
  return [
    ...dashboards.map((d) => ({ what: `Grafana dashboards, in the folder "${d.folder}"`, from: d.path })),
    ...ruleFiles.map((r) => ({ what: 'Prometheus rules', from: r.path })),
    ...services.map((s) => ({ what: `The service ${s.name} (${s.image})`, from: s.includedFrom! })),
    ...[...new Set(patches.map((p) => p.file))].map((file) => ({
      what: `Patches on ${file}`,
      from: stack.sourceFile,
    })),
  ];
}

function mib(value: number): string {
  return value >= 1024 ? `${Number((value / 1024).toFixed(1))} GiB` : `${value} MiB`;
}
