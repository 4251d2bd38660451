// Numbered migrations, applied in order, each once, by `migrate()`.
import { rlsSql, sql as initial } from './0001-initial-schema.js';
import { sql as completePhase } from './0002-complete-phase-function.js';
import { sql as githubDeliveries } from './0003-github-deliveries.js';
import { sql as githubChecks } from './0004-github-checks.js';
import { sql as claimFunctions } from './0005-claim-functions.js';
import { sql as protectedAndUntruncatable } from './0006-protected-and-untruncatable.js';
import { sql as eventIdsPerRun } from './0007-event-ids-per-run.js';
import { sql as leaseLosses } from './0008-lease-losses.js';
import { sql as deliveryContent } from './0009-delivery-content.js';
import { sql as forcedRowSecurity } from './0010-forced-row-security.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial-schema', sql: initial + '\n' + rlsSql },
  { version: 2, name: 'complete-phase-function', sql: completePhase },
  { version: 3, name: 'github-deliveries', sql: githubDeliveries },
  { version: 4, name: 'github-checks', sql: githubChecks },
  { version: 5, name: 'claim-functions', sql: claimFunctions },
  { version: 6, name: 'protected-and-untruncatable', sql: protectedAndUntruncatable },
  { version: 7, name: 'event-ids-per-run', sql: eventIdsPerRun },
  { version: 8, name: 'lease-losses', sql: leaseLosses },
  { version: 9, name: 'delivery-content', sql: deliveryContent },
  { version: 10, name: 'forced-row-security', sql: forcedRowSecurity },
];
