/**
 * A synthetic span sent the way an application sends it: made by the OpenTelemetry JS SDK and exported
 * with the official OTLP exporters (http/protobuf, or gRPC), so a pass means a real SDK gets through.
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
import type { Protocol } from '../render/otel-env.js';

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
