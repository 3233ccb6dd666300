import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Two test files at a time, also on a 2-core machine (vitest's default there is one):
    // an integration file spends most of its time waiting on the emulators, long polls and
    // timers, so a second file fills that time. Each file has its own stack, and each
    // worker its own DynamoDB Local (test/integration/global-setup.ts).
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // Each project's files make their temporary files in a folder the run removes (temp-dir-setup.ts).
          globalSetup: ['test/temp-dir-setup.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          // Contract suites run every port's adapters, memory and DynamoDB, in the emulators.
          include: ['test/integration/**/*.test.ts', 'test/contract/**/*.test.ts'],
          globalSetup: ['test/temp-dir-setup.ts', 'test/integration/global-setup.ts'],
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
          globalSetup: ['test/temp-dir-setup.ts', 'test/integration/global-setup.ts'],
          testTimeout: 600_000,
          hookTimeout: 60_000,
        },
      },
      {
        // npm pack + install into a temp folder: what a user of the published packages meets.
        test: {
          name: 'package',
          include: ['test/package/**/*.test.ts'],
          // After the others: `npm pack` rebuilds the SDK's dist, which the README and SDK tests import.
          sequence: { groupOrder: 1 },
          // One test runs the installed command against a local stack in the emulators.
          globalSetup: ['test/temp-dir-setup.ts', 'test/integration/global-setup.ts'],
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
          globalSetup: ['test/temp-dir-setup.ts', 'test/integration/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          globalSetup: ['test/temp-dir-setup.ts'],
          testTimeout: 120_000,
          // The stack's synth in beforeAll takes ~50 s on a loaded 2-core machine.
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
