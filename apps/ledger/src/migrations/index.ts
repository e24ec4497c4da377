import { CreateUsageEvents1764100000000 } from './1764100000000-create-usage-events';
import { AddBaselineCost1764100000001 } from './1764100000001-add-baseline-cost';

/** Every migration, in order. The ledger applies pending ones at start. */
export const MIGRATIONS = [CreateUsageEvents1764100000000, AddBaselineCost1764100000001];
