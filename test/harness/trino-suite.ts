// One Trino (with its PostgreSQL for the Iceberg JDBC catalog) per test file: started before
// the file's tests, stopped after them even when they fail.
import { afterAll, beforeAll } from 'vitest';
import { engines } from './engines.js';
import { type PostgresServer, startPostgres } from './postgres-server.js';
import { type TrinoServer, startTrino } from './trino-server.js';

export interface TrinoSuite {
  readonly pg: PostgresServer;
  readonly trino: TrinoServer;
}

export function useTrino(icebergCatalogs: string[]): TrinoSuite {
  let pg: PostgresServer | undefined;
  let trino: TrinoServer | undefined;
  beforeAll(async () => {
    const e = engines();
    pg = await startPostgres();
    try {
      trino = await startTrino(e, pg, icebergCatalogs);
    } catch (err) {
      await pg.stop();
      throw err;
    }
  }, 240_000);
  afterAll(async () => {
    await trino?.stop();
    await pg?.stop();
  });
  return {
    get pg() {
      if (!pg) throw new Error('PostgreSQL is not started (used outside a test?)');
      return pg;
    },
    get trino() {
      if (!trino) throw new Error('Trino is not started (used outside a test?)');
      return trino;
    },
  };
}
