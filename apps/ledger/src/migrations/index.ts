import { CreateUsageEvents1764100000000 } from './1764100000000-create-usage-events';

/** Every migration, in order. The ledger applies pending ones at start. */
export const MIGRATIONS = [CreateUsageEvents1764100000000];
