import { defineConfig } from 'vitest/config'

// Three projects: unit (pure rules, no database), integration (models, loaders, actions and the
// CLI against real PostgreSQL) and e2e (Chromium against the built app). Each file that needs a
// database gets its own, cloned from a migrated template (tests/setup/).
export default defineConfig({
  test: {
    globalSetup: ['tests/setup/global-setup.ts'],
    setupFiles: ['tests/setup/console.ts'],
    restoreMocks: true,
    // Silent logs in the test processes; commands the tests spawn run at the default level (run-coin.ts).
    // No news feeds: a worker started by a test never fetches from the internet (feed tests set their own).
    env: { NODE_ENV: 'test', LOG_LEVEL: 'silent', SESSION_SECRET: 'test-session-secret-that-is-long-enough-0123456789', FEEDS: 'none' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.{ts,tsx}', 'app/**/*.test.{ts,tsx}'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.{ts,tsx}', 'tests/routes/**/*.test.{ts,tsx}'],
          setupFiles: ['tests/setup/database.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          setupFiles: ['tests/setup/database.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
