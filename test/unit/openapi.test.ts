import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { OPENAPI_FILE, openApiText, WIRE_FILE, wireText } from '../../local/write-openapi.js';
import { buildOpenApiDocument } from '../../shared/http/openapi.js';
import { ROUTES } from '../../shared/topology/routes.js';

describe('the OpenAPI document', () => {
  const document = buildOpenApiDocument();

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('is committed as generated (run `npm run openapi` after changing a route or a schema)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(openApiText());
  });

  it('describes every route of the topology, with the bearer scheme on each one that needs a token', () => {
    for (const route of ROUTES) {
      const [method = '', path = ''] = route.routeKey.split(' ');
      const operation = document.paths[path]?.[method.toLowerCase()] as { security?: unknown[]; responses: Record<string, unknown> } | undefined;
      expect(operation, route.routeKey).toBeDefined();
      if (route.authorized) {
        expect(operation?.security, route.routeKey).toBeUndefined();
        expect(Object.keys(operation?.responses ?? {}), route.routeKey).toEqual(expect.arrayContaining(['401', '403', '429', '503']));
      } else {
        expect(operation?.security, route.routeKey).toEqual([]);
      }
    }
  });

  it('names every path parameter and the query parameters a route reads', () => {
    const get = document.paths['/tasks/{id}']?.get as { parameters: { name: string; in: string; required: boolean }[] };
    expect(get.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'id', in: 'path', required: true }), expect.objectContaining({ name: 'include', in: 'query', required: false })]),
    );
    const list = document.paths['/tasks']?.get as { parameters: { name: string }[] };
    expect(list.parameters.map((p) => p.name)).toEqual(['status', 'pool', 'type', 'order', 'limit', 'cursor']);
  });
});

describe('the SDK wire types', () => {
  it('are generated from the committed document (run `npm run openapi`)', async () => {
    expect(readFileSync(WIRE_FILE, 'utf8')).toBe(await wireText(readFileSync(OPENAPI_FILE, 'utf8')));
  });
});
