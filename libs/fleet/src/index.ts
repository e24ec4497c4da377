export * from './demo-fleet';
export * from './fleet';
export * from './free-port';
