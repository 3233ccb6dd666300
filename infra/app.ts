import { buildApp } from './build-app.js';

// Run by cdk.json (`npx tsx infra/app.ts`); the CLI sets CDK_OUTDIR, so the app synthesizes on exit.
buildApp();
