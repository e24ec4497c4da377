export * from './metrics-registry';
export * from './worker-http-server';
