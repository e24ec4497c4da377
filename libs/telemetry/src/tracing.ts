import {
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
} from '@opentelemetry/api';
import type { Tracing, TracingSettings } from './tracing-settings';

export type { Tracing, TracingSettings };

/**
 * Starts the OpenTelemetry Node SDK for a service when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (OTLP
 * over HTTP) or a test asks for spans in a file; otherwise nothing starts, the SDK is not even
 * loaded, and the API stays its no-op self: tracing costs nothing. Context crosses NATS as W3C
 * `traceparent` headers.
 */
export function startTracing(service: string, settings: TracingSettings): Tracing | null {
  if (!settings.OTEL_EXPORTER_OTLP_ENDPOINT && !settings.OTEL_TEST_SPAN_FILE) return null;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startTracingSdk } = require('./tracing-sdk') as typeof import('./tracing-sdk');
  return startTracingSdk(service, settings);
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
