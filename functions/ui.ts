import { NotFoundError } from '../shared/errors.js';
import { httpHandler, json } from '../shared/http/http-handler.js';
import type { ApiResult } from '../shared/http/types.js';
import { UI_ASSETS } from '../ui/generated/assets.js';

/**
 * No inline script, no other origin: the page talks only to the API it came
 * from. uPlot sizes its canvas through style attributes, hence 'unsafe-inline'
 * for styles alone.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** In the API's error format, like every other route's 404 (docs/openapi.json). */
function notFound(name: string): ApiResult {
  return json(404, new NotFoundError('dashboard file', name).toJSON());
}

/**
 * GET /ui and GET /ui/{asset}: the dashboard's static files, built into the
 * bundle (ui/generated/assets.ts). They hold no data, so they need no token; the
 * page asks for one and sends it with each API call.
 */
export const handler = httpHandler(async (event) => {
  const asset = event.pathParameters?.asset;
  const name = asset === undefined || asset === '' ? 'index.html' : asset;
  const file = Object.hasOwn(UI_ASSETS, name) ? UI_ASSETS[name] : undefined;
  if (file === undefined) return notFound(name);
  // The page's own path (`/ui`) decides where its assets are, whatever the stage.
  const body = name === 'index.html' ? file.body.replaceAll('{{assets}}', `${event.rawPath.replace(/\/$/, '')}`) : file.body;
  return {
    statusCode: 200,
    headers: { 'content-type': file.contentType, 'cache-control': name === 'index.html' ? 'no-cache' : 'public, max-age=300', ...SECURITY_HEADERS },
    body,
  };
});
