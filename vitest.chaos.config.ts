import { defineConfig } from 'vitest/config';

/**
 * The chaos suite (`npm run test:chaos`): Redis stopped and wiped, PostgreSQL unreachable, worker
 * processes killed. Files run one after another: they time real outages and share the CPU badly.
 */
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    globalSetup: ['test/support/global-setup.ts'],
  },
});
