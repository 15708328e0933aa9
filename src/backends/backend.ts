/**
 * What a trace backend is to stackgen: the facts every layer reads of it, in one place (its folder here).
 * The list of backends is `backends/index.ts`; the model, the views, the README and `verify` loop over it.
 */
import type * as zod from 'zod';
import type { Rule } from '../model/rules.js';
import type { SchemaKit } from '../model/schema-kit.js';
import type { Stack } from '../model/normalize.js';
import type { ComposeProject } from '../docker/compose.js';
import type { Io } from '../io.js';
import type { Component } from '../render/component.js';
import type { Secret } from '../render/secret-names.js';
import type { SpanMetricsSource } from '../render/span-metrics.js';
import type { Pipeline } from '../components/collector/render.js';
import type { Features } from '../render/common.js';
import type { LookupContext, ServiceSearch, TraceLookup } from '../verify/lookup.js';

/** An image a stack may run, and the tag pinned by default. */
export interface ImageSpec {
  repository: string;
  version: string;
}

/** One compose service of a backend, in the order compose.yaml lists them. */
export interface BackendService {
  name: string;
  /** Its image, by key of the backend's `images` (or the stack's own: collector, loki, prometheus, grafana). */
  image: string;
  /** Runs to completion (exit 0) instead of staying up. */
  oneShot?: boolean;
  /** When the image is the same as another service's, that service: an override of it applies here too. */
  sameImageAs?: string;
}

/** `Settings` is the backend's section of the stack file, as its schema (`settings`) reads it. */
export interface BackendFacts<Settings> {
  /** The stack file's `backend:` value, the name of its settings section and of its `exposure.ports` key. */
  readonly name: string;
  /** How prose names it. */
  readonly title: string;
  /** Its section of the stack file (`<name>:`), made from the schema's field types. */
  settings(kit: SchemaKit): zod.ZodType<Settings>;
  /** Its section with the defaults that depend on the rest of the stack, for normalize (`stack.<name>`). */
  complete?(settings: Settings, stack: { name: string }): Settings;
  /** Every image it may run, with the tag pinned by default (`images.versions.<key>`). */
  readonly images: Readonly<Record<string, ImageSpec>>;
  /** Its compose services' names, by what the code calls them. */
  readonly serviceNames: Readonly<Record<string, string>>;
  /** Its ports inside the Docker networks (the upstream defaults). */
  readonly ports: Readonly<Record<string, number>>;
  /** What it publishes on the host: the upstream port per `exposure.ports.<name>` key, and what they are. */
  readonly hostPorts: { readonly defaults: Readonly<Record<string, number>>; readonly description: string };
  /** It brings its own collector distribution (SigNoz): that is the stack's collector service then. */
  readonly ownCollector?: boolean;
  /** It has its own UI (SigNoz): Prometheus and Grafana run only when the stack file asks for them. */
  readonly ownUi?: boolean;
  /**
   * It stores logs itself (SigNoz: "stores logs in ClickHouse itself"): the collector's logs pipeline is on by
   * default, and `loki.enabled` is refused with this reason.
   */
  readonly storesLogs?: string;
  /**
   * The span metrics it derives from the traces and writes to Prometheus (Tempo's metrics generator), as
   * these settings make them (what they are called there). A backend that can make them has the
   * collector's off by default.
   */
  spanMetrics?(settings: Settings): SpanMetricsSource | undefined;
  /** It writes metrics to Prometheus (remote write), as these settings have it. */
  writesMetrics?(settings: Settings): boolean;
  /**
   * It keeps the span metrics of its own collector to itself (SigNoz: "keeps its span metrics in ClickHouse,
   * for its own UI"): none reach Prometheus, and `verify` says why.
   */
  readonly keepsSpanMetrics?: string;
  /** The stack-file key that turns its own span metrics on, for messages (`tempo.metricsGenerator.spanMetrics`). */
  readonly spanMetricsKey?: string;
  /** Cross-field rules of its own, run with the model's when it is the stack's backend. */
  readonly rules?: readonly Rule[];
  /** Its services, in order. */
  services(settings: Settings): readonly BackendService[];
  /** Its own telemetry Prometheus scrapes: job name, `service:port`, and whether over TLS when the stack's is on. */
  readonly scrapeTargets?: readonly { job: string; target: string; tls?: boolean }[];
  /** Ids in the stack's .env that swarm.yaml reads as variables (docker stack deploy reads no .env). */
  readonly plainVariables?: readonly string[];
  /**
   * Its service that serves TLS when the stack's is on, with a certificate of its own (Tempo's): its OTLP
   * receiver (the collector then sends over TLS) and its API (Grafana then trusts the stack's CA). stackgen
   * makes the certificate for development, or reads the user's from `tls.files.<name>`.
   */
  readonly tlsServer?: string;
  /**
   * The open-files limit one of its services asks the engine for (ClickHouse's), which the engine may refuse:
   * `up` asks the engine first, and explains a refusal with the stack-file key that sets it.
   */
  openFiles?(settings: Settings): { service: string; what: string; limit: number; key: string };
  /**
   * Folders of the repository its settings name, which its services mount (SigNoz's histogramQuantileDir):
   * checked at load to hold a file `holds` matches (`what` says which, when it does not), and mounted.
   */
  userFolders?(settings: Settings): { path: string; key: string[]; holds: RegExp; what: string }[];
  /** Its services whose images carry wget, from which `up` may ask the collector's health inside the network. */
  readonly withWget?: readonly string[];
  /** The Grafana datasource of its traces (a fixed uid, which dashboards and links name), when Grafana reads it. */
  readonly datasource?: { uid: string; name: string; type: string };
  /** The memory limit of each of its long-running services, in MiB. */
  memoryMiB(settings: Settings): Record<string, number>;
}

/**
 * How a service's image takes a secret on a Swarm, where secrets are files: from the file a variable names
 * (`<VAR>_FILE`), or, for an image that reads only its environment, through a shell that reads the files
 * into it and then runs what the image runs (its ENTRYPOINT and CMD, which a compose file cannot name).
 */
export type SecretDelivery =
  { fileVariable: (key: string) => string } | { runs: { entrypoint: string[]; command: string[] } };

/** What the renderer asks of a backend: what its templates print, and its entry among the components. */
export interface BackendRender {
  /** The view its templates read as `<name>` (always made, so that others' templates may name its services). */
  view(stack: Stack, has: Features): object;
  component: Component;
  /** Its part of the README's diagram: its services' ports, and the arrows to and from them. */
  diagram(stack: Stack): {
    ports: Record<string, { what: string; port: number; host: number | false }[]>;
    /** From, to, label; dotted for set-up and coordination rather than the path of a span. */
    edges: { from: string; to: string; label: string; dotted?: boolean }[];
  };
  /** Its files that are OpenTelemetry collector configurations (Jaeger v2's), checked as the collector's is. */
  collectorConfigs?: readonly string[];
  /** What the stack's README says of it: templates under templates/<name>/, given the stack's view. */
  readme?: {
    /** After the secrets: what it needs at first start, how to upgrade it. */
    about?: string;
    /** Its lines under "When nothing shows up". */
    troubleshooting?: string;
  };
  /** On a Swarm, how its services that read secrets take them from files (see SecretDelivery). */
  swarmSecrets?: Record<string, SecretDelivery>;
  /** What its services read from the stack's .env, generated with random values (passwords, tokens, ids). */
  secrets?(stack: Stack): Secret[];
  /**
   * Its own collector distribution (facts `ownCollector`), which renders the stack's collector config from
   * its template and lists the collector service among its own.
   */
  ownCollector?: {
    configTemplate: string;
    /** Where its image reads TLS files. */
    tlsDir: string;
    /** More names it answers to on the networks. */
    aliases: string[];
    pipelines(has: Features): Pipeline[];
    /** What it does, for the README. */
    role: string;
  };
  /** Where the stack's collector sends it traces over OTLP/gRPC (none when it brings its own collector). */
  otlp?: { service: string; port: number };
  /** How Grafana reads its traces, through the datasource of its facts. */
  grafana?: {
    /** Its entry in Grafana's datasources.yaml: a template under templates/<name>/, given the stack's view. */
    datasourceTemplate: string;
    /** The service Grafana asks, and where. */
    service: string;
    url(stack: Stack): string;
    /** The span tag Grafana's links read a span's service from, when not `service.name`. */
    serviceTag?: string;
  };
}

/** What `verify` asks of a backend, through its own query API from this machine. */
export interface BackendVerify {
  /** How to ask it for a trace by id, or why it cannot be asked from here. */
  traceLookup(context: LookupContext): TraceLookup | { skip: string };
  /** How to search it for a service's recent spans (`verify --app`), or why it cannot be searched from here. */
  serviceSearch(stack: Stack): ServiceSearch | { skip: (service: string) => string };
}

/** What `up` does for it once the stack runs. `hostOf` tells where a service's published port is reached. */
export type AfterUp = (context: {
  root: string;
  stack: Stack;
  io: Io;
  hostOf(service: string): Promise<string | false>;
}) => Promise<void>;

/** What `up` asks of a backend beyond starting its services. */
export interface BackendRuntime {
  afterUp?: AfterUp;
  /** Passwords its data keeps from its first start (so a new .env no longer matches them), in prose. */
  passwordsInData?(stack: Stack): string[];
  /** Before `up --new-secrets` starts the stack: hand its data the new passwords of .env. */
  adoptNewSecrets?(compose: ComposeProject): Promise<void>;
}

export interface Backend<Settings> extends BackendFacts<Settings> {
  readonly render: BackendRender;
  /** Loaded only by `verify` (its HTTP client is no business of the other commands). */
  verify(): Promise<BackendVerify>;
  /** Loaded only by `up`. */
  runtime?(): Promise<BackendRuntime>;
}
