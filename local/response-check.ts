import { appendFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { buildOpenApiDocument } from '../shared/http/openapi.js';
import type { ApiResult } from '../shared/http/types.js';

/** ajv-formats is CommonJS: its default export arrives wrapped under ESM. */
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

const DOCUMENT_ID = 'https://taskfleet.invalid/openapi.json';

/** `/tasks/{id}` → `~1tasks~1{id}` (a JSON pointer segment). */
const pointer = (segment: string): string => segment.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * Checks every answer of the local API server against the OpenAPI document: the
 * status must be one the route documents, and the JSON body must match its
 * schema. A mismatch is appended to `file` as one JSON line (the integration
 * suite's teardown fails the run when there is any); `<file>.count` gets a line
 * per answer checked. Each route × status's schema is compiled once.
 */
export function responseChecker(file: string): (routeKey: string, result: ApiResult) => void {
  const document = buildOpenApiDocument();
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, DOCUMENT_ID);
  const compiled = new Map<string, ValidateFunction | 'no body' | 'undocumented'>();

  const validatorFor = (routeKey: string, status: number): ValidateFunction | 'no body' | 'undocumented' => {
    const key = `${routeKey} ${status}`;
    let found = compiled.get(key);
    if (found !== undefined) return found;
    const [method = '', path = ''] = routeKey.split(' ');
    const operation = document.paths[path]?.[method.toLowerCase()] as { responses?: Record<string, { $ref?: string; content?: unknown }> } | undefined;
    const response = operation?.responses?.[String(status)];
    if (response === undefined) found = 'undocumented';
    else {
      const base = response.$ref !== undefined ? response.$ref : `#/paths/${pointer(path)}/${method.toLowerCase()}/responses/${status}`;
      const content = response.$ref !== undefined ? true : response.content !== undefined;
      found = content ? ajv.compile({ $ref: `${DOCUMENT_ID}${base}/content/application~1json/schema` }) : 'no body';
    }
    compiled.set(key, found);
    return found;
  };

  return (routeKey, result) => {
    const status = result.statusCode ?? 200;
    appendFileSync(`${file}.count`, '\n');
    const validate = validatorFor(routeKey, status);
    const contentType = String(result.headers?.['content-type'] ?? 'application/json');
    let problem: unknown;
    if (validate === 'undocumented') problem = `status ${status} is not documented`;
    else if (validate !== 'no body' && contentType.startsWith('application/json')) {
      let body: unknown;
      try {
        body = JSON.parse(result.body ?? '');
      } catch {
        problem = 'the body is not JSON';
      }
      if (problem === undefined && !validate(body)) problem = { errors: validate.errors, body: (result.body ?? '').slice(0, 2000) };
    }
    if (problem !== undefined) appendFileSync(file, `${JSON.stringify({ routeKey, status, problem })}\n`);
  };
}
