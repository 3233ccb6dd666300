#!/usr/bin/env node
// The `taskfleet` command: loads the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../cli/taskfleet.ts');
