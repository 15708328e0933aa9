/**
 * A synthetic span sent the way an application sends it: made by the OpenTelemetry JS SDK and exported
 * with the official OTLP exporters (http/protobuf, or gRPC), so a pass means a real SDK gets through.
 * And a synthetic log record, for stacks that store logs.
 */
import { credentials } from '@grpc/grpc-js';
import { diag, DiagLogLevel, SpanKind } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import { randomBytes } from 'node:crypto';
import type { Protocol } from '../render/otel-env.js';
import { request } from './http.js';

export interface SyntheticSpan {
  protocol: Protocol;
  /** OTLP endpoint without a path: http(s)://host:port. */
  endpoint: string;
  serviceName: string;
  /** PEM of the stack's CA (TLS on). */
  ca?: string;
  timeoutMs: number;
}

/** The collector took the export but rejected the spans in it. */
export class SpansRejected extends Error {}

/** Sends one span in a trace of its own; returns the trace id, or throws why the collector refused it. */
export async function sendSyntheticSpan(options: SyntheticSpan): Promise<string> {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const label = options.protocol === 'grpc' ? 'OTLP/gRPC' : 'OTLP/HTTP';
  provider
    .getTracer('stackgen-verify')
    .startSpan(`stackgen verify over ${label}`, {
      kind: SpanKind.SERVER,
      attributes: { 'stackgen.verify.protocol': options.protocol },
    })
    .end();
  const spans = memory.getFinishedSpans();
  await provider.shutdown();

  const exporter = exporterFor(options);
  const partial = watchPartialSuccess();
  try {
    const result = await new Promise<ExportResult>((resolve) => exporter.export(spans, resolve));
    if (result.code !== ExportResultCode.SUCCESS) throw result.error ?? new Error('the export failed');
    const rejected = partial.rejected();
    if (rejected) throw new SpansRejected(rejected);
  } finally {
    partial.stop();
    await exporter.shutdown();
  }
  return spans[0]!.spanContext().traceId;
}

/**
 * An OTLP "partial success": the collector answered 200 but rejected spans. The official exporters only
 * log it, through the OpenTelemetry diagnostic logger, and report success; this listens for that log.
 */
function watchPartialSuccess() {
  let partialSuccess: { rejectedSpans?: string | number; errorMessage?: string } | undefined;
  const ignore = () => {};
  diag.setLogger(
    {
      warn(message: string, ...args: unknown[]) {
        if (message.startsWith('Received Partial Success response')) {
          try {
            partialSuccess = JSON.parse(String(args[0])) as typeof partialSuccess;
          } catch {
            // Not the shape the exporters log today: say nothing rather than guess.
          }
        }
      },
      error: ignore,
      info: ignore,
      debug: ignore,
      verbose: ignore,
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  return {
    rejected(): string | undefined {
      const count = Number(partialSuccess?.rejectedSpans ?? 0);
      if (count === 0) return undefined;
      return `the collector answered but rejected ${count} span${count === 1 ? '' : 's'}: ${partialSuccess?.errorMessage || 'no reason given'}`;
    },
    stop: () => diag.disable(),
  };
}

function exporterFor({ protocol, endpoint, ca, timeoutMs }: SyntheticSpan): SpanExporter {
  if (protocol === 'grpc') {
    return new GrpcExporter({
      url: endpoint,
      timeoutMillis: timeoutMs,
      credentials: endpoint.startsWith('https:')
        ? credentials.createSsl(ca === undefined ? null : Buffer.from(ca))
        : credentials.createInsecure(),
    });
  }
  return new ProtobufExporter({
    url: `${endpoint}/v1/traces`,
    timeoutMillis: timeoutMs,
    httpAgentOptions: ca === undefined ? undefined : { ca },
  });
}

/** The collector took the log export but rejected the record. */
export class LogsRejected extends Error {}

export interface SyntheticLog {
  /** OTLP/HTTP endpoint without a path: http(s)://host:port. */
  endpoint: string;
  serviceName: string;
  /** The record's body: what verify looks for in Loki. */
  body: string;
  /** The trace it belongs to (32 hex digits), so that it links to the synthetic trace. */
  traceId: string | undefined;
  ca?: string;
  timeoutMs: number;
}

/**
 * One log record over OTLP/HTTP in the protocol's JSON encoding (trace and span ids in hex), to
 * `<endpoint>/v1/logs`, the way an SDK's OTLP log exporter posts it. Throws why the collector refused it.
 */
export async function sendSyntheticLog(options: SyntheticLog): Promise<void> {
  const now = `${Date.now()}000000`;
  const record = {
    timeUnixNano: now,
    observedTimeUnixNano: now,
    severityNumber: 9,
    severityText: 'INFO',
    body: { stringValue: options.body },
    ...(options.traceId ? { traceId: options.traceId, spanId: randomBytes(8).toString('hex') } : {}),
  };
  const response = await request(`${options.endpoint}/v1/logs`, {
    method: 'POST',
    json: {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: options.serviceName } }] },
          scopeLogs: [{ scope: { name: 'stackgen-verify' }, logRecords: [record] }],
        },
      ],
    },
    ca: options.ca,
    timeoutMs: options.timeoutMs,
  });
  if (response.status !== 200) {
    throw new LogsRejected(`answered ${response.status}: ${response.text.trim().slice(0, 200) || '(empty)'}`);
  }
  const partial = (
    response.json as { partialSuccess?: { rejectedLogRecords?: string | number; errorMessage?: string } }
  )?.partialSuccess;
  if (Number(partial?.rejectedLogRecords ?? 0) > 0) {
    throw new LogsRejected(
      `the collector rejected the record: ${partial?.errorMessage || 'no reason given'}`,
    );
  }
}
