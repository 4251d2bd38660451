// The real-engine conformance tests (npm run test:engines): Trino, dbt and PostgreSQL as
// installed by `npm run engines:install`. One file at a time: the engines are heavy.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['dist/test/engines/**/*.test.js'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
