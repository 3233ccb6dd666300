import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildOpenApiDocument } from '../shared/http/openapi.js';

/** `npm run openapi`: docs/openapi.json from the code (test/unit/openapi.test.ts fails when the committed one differs). */
export const OPENAPI_FILE = resolve(import.meta.dirname, '../docs/openapi.json');

export function openApiText(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  writeFileSync(OPENAPI_FILE, openApiText());
  console.log(`wrote ${OPENAPI_FILE}`);
}
