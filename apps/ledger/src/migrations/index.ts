import { CreateUsageEvents1764100000000 } from './1764100000000-create-usage-events';
import { AddBaselineCost1764100000001 } from './1764100000001-add-baseline-cost';
import { CreateVirtualKeys1764200000000 } from './1764200000000-create-virtual-keys';
import { CreateUsageDailyRollups1764200000001 } from './1764200000001-create-usage-daily-rollups';
import { CreateTeamsUsersTags1764300000000 } from './1764300000000-create-teams-users-tags';
import { CreateRoutedAsks1764400000000 } from './1764400000000-create-routed-asks';
import { CreateStoredResponses1764500000000 } from './1764500000000-create-stored-responses';
import { CreateTags1764600000000 } from './1764600000000-create-tags';

/** Every migration, in order. The ledger applies pending ones at start. */
export const MIGRATIONS = [
  CreateUsageEvents1764100000000,
  AddBaselineCost1764100000001,
  CreateVirtualKeys1764200000000,
  CreateUsageDailyRollups1764200000001,
  CreateTeamsUsersTags1764300000000,
  CreateRoutedAsks1764400000000,
  CreateStoredResponses1764500000000,
  CreateTags1764600000000,
];
