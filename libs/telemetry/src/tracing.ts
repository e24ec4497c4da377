import { appendFileSync } from 'node:fs';
import {
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator, type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

export interface TracingSettings {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_SERVICE_NAME?: string;
  OTEL_TEST_SPAN_FILE?: string;
}

export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry Node SDK for a service when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (OTLP
 * over HTTP) or a test asks for spans in a file; otherwise nothing starts and the API stays its
 * no-op self, so tracing costs nothing. Context crosses NATS as W3C `traceparent` headers.
 */
export function startTracing(service: string, settings: TracingSettings): Tracing | null {
  if (!settings.OTEL_EXPORTER_OTLP_ENDPOINT && !settings.OTEL_TEST_SPAN_FILE) return null;
  const spanProcessors = [];
  if (settings.OTEL_EXPORTER_OTLP_ENDPOINT) {
    const url = `${settings.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
    spanProcessors.push(new tracing.BatchSpanProcessor(new OTLPTraceExporter({ url })));
  }
  if (settings.OTEL_TEST_SPAN_FILE) {
    spanProcessors.push(
      new tracing.SimpleSpanProcessor(new JsonLinesSpanExporter(settings.OTEL_TEST_SPAN_FILE, service)),
    );
  }
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      'service.name': settings.OTEL_SERVICE_NAME ?? `switchyard-${service}`,
    }),
    spanProcessors,
    textMapPropagator: new W3CTraceContextPropagator(),
    instrumentations: [],
    autoDetectResources: false,
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}

/** Writes finished spans as JSON lines (used by the tests: one file shared by every service). */
class JsonLinesSpanExporter implements SpanExporter {
  constructor(
    private readonly path: string,
    private readonly service: string,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const lines = spans.map((span) =>
      JSON.stringify({
        service: this.service,
        name: span.name,
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        parentSpanId: span.parentSpanContext?.spanId ?? null,
        kind: span.kind,
        attributes: span.attributes,
        status: span.status.code,
      }),
    );
    appendFileSync(this.path, `${lines.join('\n')}\n`);
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  async shutdown(): Promise<void> {}
}

export const tracer = trace.getTracer('switchyard');

/** Runs `work` in a new span (child of `parent`), ending it when the promise settles. */
export async function inSpan<T>(
  name: string,
  kind: SpanKind,
  parent: Context,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const span = tracer.startSpan(name, { kind }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}

export { context, propagation, SpanKind, SpanStatusCode, trace };
export type { Context, Span };
