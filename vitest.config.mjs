// Tests are TypeScript compiled by `npm run build` into dist/test, so they exercise the
// same JavaScript the CLI runs (including the generated schema validators).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['dist/test/**/*.test.js'],
    // The real-engine tests run with `npm run test:engines` (vitest.engines.config.mjs).
    exclude: ['dist/test/engines/**', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
