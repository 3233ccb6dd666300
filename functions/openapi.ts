import { httpHandler, json } from '../shared/http/http-handler.js';
import { buildOpenApiDocument } from '../shared/http/openapi.js';

/** Built once per container, at its start: the document depends on nothing but the code. */
const DOCUMENT = buildOpenApiDocument();

/** GET /openapi.json: the API's OpenAPI 3.1 document, no token needed. */
export const handler = httpHandler(async () => json(200, DOCUMENT));
