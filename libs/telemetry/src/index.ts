export * from './metrics-registry';
export * from './worker-http-server';
export * from './service-metrics';
export * from './tracing';
export * from './bus-metrics';
