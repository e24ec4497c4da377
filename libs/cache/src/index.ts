export * from './cache-key';
export * from './completion-chunks';
export * from './redis-connection';
export * from './response-cache';
