/**
 * The settings and handle of tracing, apart from `tracing.ts` so that the SDK module it loads on
 * demand (`tracing-sdk.ts`) can name them without importing its own loader.
 */
export interface TracingSettings {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_SERVICE_NAME?: string;
  OTEL_TEST_SPAN_FILE?: string;
}

export interface Tracing {
  shutdown(): Promise<void>;
}
