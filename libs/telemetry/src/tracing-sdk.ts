import { appendFileSync } from 'node:fs';
import { W3CTraceContextPropagator, type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Tracing, TracingSettings } from './tracing-settings';

/** The SDK side of `startTracing`, in its own module so it loads only when tracing is on. */
export function startTracingSdk(service: string, settings: TracingSettings): Tracing {
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
