import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/ui.js';
import { ASSETS_MODULE, buildUiAssets, renderAssetsModule } from '../../ui/build.js';
import type { ApiEvent } from '../../shared/http/types.js';

const event = (rawPath: string, asset?: string) =>
  ({ rawPath, ...(asset !== undefined ? { pathParameters: { asset } } : {}), requestContext: {} }) as unknown as ApiEvent;

describe('the dashboard assets', () => {
  it('are built from ui/src as committed (run `npm run build:ui` after changing the UI)', async () => {
    const built = renderAssetsModule(await buildUiAssets());
    expect(built === (await readFile(ASSETS_MODULE, 'utf8'))).toBe(true);
  }, 60_000);

  it('serve the page with its asset paths, a strict CSP, and 404 for an unknown file', async () => {
    const page = await handler(event('/ui'), {} as never);
    expect(page.statusCode).toBe(200);
    expect(page.headers?.['content-type']).toContain('text/html');
    expect(page.body).toContain('src="/ui/app.js"');
    expect(page.headers?.['content-security-policy']).toContain("script-src 'self'");
    const script = await handler(event('/ui/app.js', 'app.js'), {} as never);
    expect(script.headers?.['content-type']).toContain('text/javascript');
    expect((await handler(event('/ui/nope.js', 'nope.js'), {} as never)).statusCode).toBe(404);
    expect((await handler(event('/ui/constructor', 'constructor'), {} as never)).statusCode).toBe(404);
  });
});
