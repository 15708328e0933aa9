/**
 * The stack model: what users write in `stacks/<name>.yaml`. Every field carries its description and
 * default here; the JSON schema editors use (`stackgen schema`) is generated from these definitions.
 * Cross-field rules (port collisions, references) live in `rules.ts`; defaults that depend on other
 * fields (the backend, the stack name) are applied in `normalize.ts`.
 */
import * as z from 'zod';
import {
  hostPort,
  relativePath,
  extensionMessage,
  NOT_AN_EXTENSION,
  SCHEMA_KIT,
  serviceName,
} from './schema-kit.js';
import { BACKENDS, STACK_NAME_PATTERN } from './constants.js';
import { IMAGES } from './images.js';
import { BACKEND_LIST, type BackendName, type BackendOf } from '../backends/index.js';
import { DEFAULT_HOST_PORTS } from './host-ports.js';
import { COMPONENT_HOST_PORTS } from '../components/index.js';
import { FACTS as COLLECTOR } from '../components/collector/facts.js';
import { FACTS as GRAFANA } from '../components/grafana/facts.js';
import { FACTS as LOKI } from '../components/loki/facts.js';
import { FACTS as PROMETHEUS } from '../components/prometheus/facts.js';
import { listed } from '../prose.js';

const identifier = z
  .string()
  .regex(STACK_NAME_PATTERN, {
    message:
      'expected lowercase letters, digits and dashes, starting with a letter (it becomes file paths and the compose project name)',
  })
  .max(40);

/** A Docker network name: what other compose projects use to join it. */
const networkName = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, {
    message: 'expected a Docker network name (letters, digits, "_", ".", "-")',
  })
  .regex(NOT_AN_EXTENSION, { message: extensionMessage('network') })
  .max(63);

/** An image tag, optionally pinned to a digest: `0.159.0` or `0.159.0@sha256:<64 hex>`. */
const imageVersion = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(@sha256:[a-f0-9]{64})?$/, {
  message: 'expected an image tag such as 1.2.3, optionally followed by @sha256:<digest>',
});
/** A full image reference: `registry.example.com/team/image:tag`. */
const imageReference = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]*(:[0-9]+)?(\/[a-z0-9][a-z0-9._-]*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/,
    {
      message: 'expected an image reference such as registry.example.com/team/image:1.2.3',
    },
  )
  .max(255);

const versions = Object.fromEntries(
  Object.entries(IMAGES).map(([key, { repository, version }]) => [
    key,
    imageVersion.default(version).describe(`Tag of \`${repository}\`.`),
  ]),
) as { [K in keyof typeof IMAGES]: z.ZodDefault<typeof imageVersion> };

const certificatePair = z.strictObject({
  cert: relativePath.describe('PEM certificate, relative to the project root.'),
  key: relativePath.describe('PEM private key, relative to the project root.'),
});

/** The backends with a server certificate of their own (Tempo), each a key of `tls.files`. */
const TLS_BACKENDS = BACKEND_LIST.filter((b) => b.tlsServer);
const backendCertificates = Object.fromEntries(
  TLS_BACKENDS.map((b) => [
    b.name,
    certificatePair
      .optional()
      .describe(`${b.title}'s server certificate (names: ${b.tlsServer} and localhost).`),
  ]),
) as Record<BackendName, z.ZodOptional<typeof certificatePair>>;

export const TlsSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        `TLS on the collector's OTLP receivers and on ${listed([...TLS_BACKENDS.map((b) => `${b.title}'s`), "Loki's"])} endpoints.`,
      ),
    files: z
      .strictObject({
        ca: relativePath.describe('The CA certificate that signed the server certificates.'),
        collector: certificatePair.describe(
          `The collector's server certificate (its names must include ${COLLECTOR.serviceName}).`,
        ),
        ...backendCertificates,
        loki: certificatePair.optional().describe("Loki's server certificate (names: loki and localhost)."),
      })
      .optional()
      .describe(
        'Your own certificates. Without them, stackgen makes a local CA and certificates for development.',
      ),
    extraNames: z
      .array(
        z.union(
          [
            z.ipv4(),
            z.ipv6(),
            z
              .string()
              .regex(
                /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
              ),
          ],
          { error: 'expected a host name or an IP address, such as obs.example.lan or 192.168.1.20' },
        ),
      )
      .default([])
      .describe(
        "More names and addresses the servers' certificates carry, for clients that reach the stack another way than by its service names or localhost: a LAN address, a DNS name. stackgen reissues its development certificates when a name is added.",
      ),
    insecureSkipVerify: z
      .boolean()
      .default(false)
      .describe('Clients in the stack skip certificate verification. Only for debugging; validate warns.'),
  })
  .describe(`TLS for OTLP, ${listed([...TLS_BACKENDS.map((b) => b.title), 'Loki'])}.`);

export const NetworksSchema = z
  .strictObject({
    observability: z
      .strictObject({
        name: networkName.optional().describe('Fixed Docker network name. Default: `<stack name>-net`.'),
      })
      .prefault({})
      .describe("The network the stack's services share; app services join it through their override file."),
    applications: z
      .array(
        z.strictObject({
          name: networkName.describe('Fixed Docker network name.'),
          external: z
            .boolean()
            .default(false)
            .describe(
              'true when another compose project creates this network; the stack then only joins it.',
            ),
        }),
      )
      .optional()
      .describe(
        'Networks shared with your applications; the collector joins each. Default: `<stack name>-apps`.',
      ),
  })
  .prefault({})
  .describe('Docker networks, with fixed names so other compose projects can join them.');

export const AppSchema = z.strictObject({
  service: serviceName.describe('The service name in your compose file.'),
  name: serviceName
    .optional()
    .describe(
      'What stackgen calls this entry: its override file apps/<name>.override.yaml, `stackgen env --app <name>`, `stackgen verify --app <name>`. Default: `service`. Two entries of one service (its local and its production compose file, say) need names of their own.',
    ),
  composeFile: relativePath
    .optional()
    .describe(
      'Your compose file holding the service, relative to the project root. When it exists, stackgen checks the service is there and keeps its own networks in the override.',
    ),
  networks: z
    .array(networkName)
    .optional()
    .describe('Application networks (by name) the service joins. Default: all of `networks.applications`.'),
  protocol: z
    .enum(['grpc', 'http'])
    .default('http')
    .describe('OTLP protocol the app exports with: `grpc` (port 4317) or `http` (http/protobuf, port 4318).'),
  serviceName: z.string().min(1).max(255).optional().describe('OTEL_SERVICE_NAME. Default: `service`.'),
  resourceAttributes: z
    .record(
      z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,254}$/, {
        message: 'expected an attribute key such as deployment.environment.name',
      }),
      z.string().max(4096),
    )
    .default({})
    .describe(
      'Resource attributes the app reports (OTEL_RESOURCE_ATTRIBUTES), e.g. `deployment.environment.name: dev`.',
    ),
});

/** A part's or backend's host ports, each key optional: what `exposure.ports.<name>` accepts. */
const hostPortsOf = <Ports extends Readonly<Record<string, number>>>(ports: {
  defaults: Ports;
  description: string;
}) =>
  z
    .strictObject(
      Object.fromEntries(Object.keys(ports.defaults).map((key) => [key, hostPort.optional()])) as {
        [K in keyof Ports]: z.ZodOptional<typeof hostPort>;
      },
    )
    .optional()
    .describe(ports.description);

const backendPorts = Object.fromEntries(BACKEND_LIST.map((b) => [b.name, hostPortsOf(b.hostPorts)])) as {
  [N in BackendName]: ReturnType<typeof hostPortsOf<BackendOf<N>['hostPorts']['defaults']>>;
};

const ExposurePortsSchema = z
  .strictObject({
    collector: hostPortsOf(COMPONENT_HOST_PORTS.collector),
    ...backendPorts,
    loki: hostPortsOf(COMPONENT_HOST_PORTS.loki),
    prometheus: hostPortsOf(COMPONENT_HOST_PORTS.prometheus),
    grafana: hostPortsOf(COMPONENT_HOST_PORTS.grafana),
  })
  .prefault({})
  .describe(
    `Host port per component. Defaults: the upstream ports (${[
      ...new Set(Object.values(DEFAULT_HOST_PORTS).flatMap((ports) => Object.values(ports))),
    ].join(', ')}).`,
  );

/** A JSON pointer (RFC 6901): `/services/grafana/environment`, `""` for the whole document. */
const jsonPointer = z
  .string()
  .regex(/^(\/([^~]|~[01])*)*$/, { message: 'expected a JSON pointer such as /services/grafana/environment' })
  .max(1000);

const jsonPatchOperation = z.discriminatedUnion(
  'op',
  [
    z.strictObject({ op: z.literal('add'), path: jsonPointer, value: z.unknown() }),
    z.strictObject({ op: z.literal('remove'), path: jsonPointer }),
    z.strictObject({ op: z.literal('replace'), path: jsonPointer, value: z.unknown() }),
    z.strictObject({ op: z.literal('move'), from: jsonPointer, path: jsonPointer }),
    z.strictObject({ op: z.literal('copy'), from: jsonPointer, path: jsonPointer }),
    z.strictObject({ op: z.literal('test'), path: jsonPointer, value: z.unknown() }),
  ],
  { error: 'expected an operation: add, remove, replace, move, copy or test' },
);

export const PatchSchema = z
  .strictObject({
    file: z
      .string()
      .regex(/^[A-Za-z0-9._-][A-Za-z0-9._/-]*$/, {
        message: 'expected a generated file, such as compose.yaml',
      })
      .describe(
        'The generated file, relative to the output folder (compose.yaml, collector/config.yaml, …).',
      ),
    merge: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        'A JSON merge patch (RFC 7386): mappings merge key by key, anything else replaces; null removes a key.',
      ),
    jsonPatch: z
      .array(jsonPatchOperation)
      .min(1)
      .optional()
      .describe('JSON Patch operations (RFC 6902): add, remove, replace, move, copy, test.'),
  })
  .refine((p) => (p.merge === undefined) !== (p.jsonPatch === undefined), {
    error: 'needs either merge or jsonPatch (one of them)',
  });

export const ContainerLogsSchema = z
  .strictObject({
    rotate: z
      .boolean()
      .default(true)
      .describe(
        "Rotate every stack container's log with Docker's json-file driver. false leaves the engine's default, which (json-file) grows without bound.",
      ),
    maxSizeMiB: z
      .number()
      .int()
      .min(1)
      .max(10240)
      .default(10)
      .describe('Size of a log file before it is rotated.'),
    maxFiles: z.number().int().min(1).max(100).default(3).describe('Log files kept per container.'),
  })
  .prefault({})
  .describe("The stack's own container logs (what `stackgen logs` and `docker compose logs` show).");

/** A node label as `key=value`, which a placement constraint matches (`node.labels.key == value`). */
const nodeLabel = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*=[A-Za-z0-9._-]+$/, {
    message: 'expected a node label as key=value, such as observability.data=true',
  })
  .max(200);

export const SwarmSchema = z
  .strictObject({
    placement: z
      .strictObject({
        data: nodeLabel
          .default('stackgen.data=true')
          .describe(
            "The node label of the node that keeps the stack's data: every service with a data volume runs there (Swarm volumes are local to a node). Label exactly one node with it (docker node update --label-add).",
          ),
        services: z
          .record(serviceName, nodeLabel)
          .default({})
          .describe(
            'A node label per service with a data volume, to keep it on a node of its own (its one-shot steps follow it).',
          ),
      })
      .prefault({})
      .describe('Where the services that keep data run.'),
    collectorReplicas: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(1)
      .describe('Collector tasks. Apps reach them by the service name; the collector keeps no state.'),
    endpointMode: z
      .enum(['vip', 'dnsrr'])
      .default('vip')
      .describe(
        "How services are reached by name: vip (Swarm's virtual IP, the default) or dnsrr (DNS round robin), for kernels without IPVS, where VIPs and the ingress routing mesh do not work.",
      ),
    publish: z
      .enum(['none', 'host', 'ingress'])
      .default('none')
      .describe(
        "Ports published on the nodes (exposure.ports): none (reach the stack from containers on its overlay networks), host (on the node running each task, every address of it) or ingress (Swarm's routing mesh, on every node, every address). Swarm cannot bind to one address such as 127.0.0.1; validate warns about host and ingress.",
      ),
    resolveImage: z
      .enum(['always', 'changed', 'never'])
      .default('always')
      .describe(
        "docker stack deploy --resolve-image: always pins each service to the digest the registry has for its tag (Docker's default), so that every node runs the same image; changed does so only for images changed since the last deploy; never keeps the tags as written, for clusters without a registry: each node runs the image as loaded on it (load the images on every node).",
      ),
    registryAuth: z
      .boolean()
      .default(false)
      .describe(
        "Hand the credentials of your docker login for the images' registries to the nodes (docker stack deploy --with-registry-auth), so that they can pull from a private registry or mirror.",
      ),
  })
  .prefault({})
  .describe('How the stack runs on a Docker Swarm (target: swarm).');

/** Each backend's section, which a stack file may write only for its backend (rules.ts). */
const backendSections = Object.fromEntries(
  BACKEND_LIST.map((b) => [b.name, b.settings(SCHEMA_KIT).optional()]),
) as { [N in BackendName]: z.ZodOptional<ReturnType<BackendOf<N>['settings']>> };

export const StackSchema = z.strictObject({
  name: identifier.describe(
    'Stack name: the compose project name and the default output folder `deploy/<name>`.',
  ),
  backend: z.enum(BACKENDS).describe('Where traces are stored and searched.'),
  output: relativePath
    .optional()
    .describe('Folder for the generated files, relative to the project root. Default: `deploy/<name>`.'),
  target: z
    .enum(['compose', 'swarm'])
    .default('compose')
    .describe(
      'Where the stack runs: compose (one Docker host) or swarm (a Docker Swarm cluster: stackgen also writes swarm.yaml, and up, down and status work against a swarm manager).',
    ),
  swarm: SwarmSchema,
  collector: COLLECTOR.settings(SCHEMA_KIT),
  ...backendSections,
  loki: LOKI.settings(SCHEMA_KIT),
  prometheus: PROMETHEUS.settings(SCHEMA_KIT),
  grafana: GRAFANA.settings(SCHEMA_KIT),
  networks: NetworksSchema,
  apps: z.array(AppSchema).default([]).describe('Your own services that send telemetry to the stack.'),
  exposure: z
    .strictObject({
      bindAddress: z
        .union([z.ipv4(), z.ipv6()], { error: 'expected an IP address such as 127.0.0.1' })
        .default('127.0.0.1')
        .describe('Host address published ports bind to. 0.0.0.0 exposes the stack to your whole network.'),
      ports: ExposurePortsSchema,
    })
    .prefault({})
    .describe('What the host sees: the address and ports the stack publishes.'),
  tls: TlsSchema.optional(),
  containerLogs: ContainerLogsSchema,
  include: z
    .array(relativePath)
    .default([])
    .describe(
      "Your own compose files, relative to the project root, joined to the stack's compose project (compose's include): their services run on the stack's networks, start with `stackgen up`, stop with `stackgen down`, show in `stackgen status`. Paths in them are relative to their own folder. With target: swarm they are deployed with swarm.yaml and may name no path of this machine (bind mounts, env_file, build).",
    ),
  patches: z
    .array(PatchSchema)
    .default([])
    .describe(
      'Edits to generated YAML and JSON files, for what the stack file cannot say: each names the file and a merge or JSON Patch operations, applied on every generate and checked like the rest.',
    ),
  images: z
    .strictObject({
      registry: z
        .string()
        .regex(/^[a-z0-9][a-z0-9.-]*(:[0-9]+)?(\/[a-z0-9][a-z0-9._-]*)*\/?$/, {
          message: 'expected a registry prefix such as mirror.example.com/dockerhub',
        })
        .optional()
        .describe('Registry mirror prefix put before every default image, for mirrors and air gaps.'),
      versions: z.strictObject(versions).prefault({}).describe('Pinned tag per component.'),
      overrides: z
        .record(serviceName, imageReference)
        .default({})
        .describe('Full image reference per compose service; wins over `registry` and `versions`.'),
    })
    .prefault({})
    .describe('The images the stack runs.'),
});

/** What users write. */
export type StackInput = z.input<typeof StackSchema>;
/** What the schema returns: static defaults applied, derived ones not yet (see `normalize.ts`). */
export type StackParsed = z.output<typeof StackSchema>;
