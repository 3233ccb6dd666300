import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          // Contract suites run every port's adapters, memory and DynamoDB, in the emulators.
          include: ['test/integration/**/*.test.ts', 'test/contract/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Load-sized tests: run on their own (see package.json), so they do not
        // starve the emulators the other integration tests share.
        test: {
          name: 'scale',
          include: ['test/scale/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 600_000,
          hookTimeout: 60_000,
        },
      },
      {
        // npm pack + install into a temp folder: what a user of the published packages meets.
        test: {
          name: 'package',
          include: ['test/package/**/*.test.ts'],
          // One test runs the installed command against a local stack in the emulators.
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
      {
        // The dashboard in a real browser (Debian's chromium, driven by playwright-core)
        // against a local stack with Lambda workers.
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 120_000,
          // The stack's synth in beforeAll takes ~50 s on a loaded 2-core machine.
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
