export * from './infrastructure';
export * from './test-database';
export * from './test-fleet';
export * from './usage-event-factory';
export * from './mock-control';
export * from './test-config';
export * from './tcp-proxy';
