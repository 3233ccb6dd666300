import { httpHandler, json } from '../shared/http/http-handler.js';

/** Unauthenticated liveness check. */
export const handler = httpHandler(async () => json(200, { status: 'ok' }));
