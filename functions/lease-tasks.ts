import { json } from '../shared/http/http-handler.js';
import { optionalJsonBody, pathParameter, tenantOf } from '../shared/http/request.js';
import { leaseCall } from '../shared/services/agents.js';
import { apiFunction } from './api-function.js';

/** POST /workers/{id}/lease {max, waitSeconds, finished?, completed?} → {tasks: [{id, type, payload, leaseToken, leaseExpiresAt, …}], completed?: [{taskId, status}]}. */
export const { makeHandler, handler } = apiFunction(async (services, event) => json(200, await leaseCall(services.agentDeps, tenantOf(event), pathParameter(event, 'id'), optionalJsonBody(event))));
