import type { AppServices } from '../shared/composition.js';
import { toTaskView, type Task } from '../shared/domain/task.js';
import { httpHandler, json } from '../shared/http/http-handler.js';
import { jsonBody, pathParameter, tenantOf } from '../shared/http/request.js';
import { logger } from '../shared/logger.js';
import type { AgentDeps } from '../shared/services/agents.js';

/** The handler factory of a lease-token call on `/tasks/{id}/…`: the task after the call. */
export function leaseCallHandler(call: (deps: AgentDeps, tenant: string, id: string, body: unknown) => Promise<Task>): (services: () => AppServices) => ReturnType<typeof httpHandler> {
  return (services) =>
    httpHandler(async (event) => {
      const task = await call(services().agentDeps, tenantOf(event), pathParameter(event, 'id'), jsonBody(event));
      logger.debug('lease call', { taskId: task.id, tenant: task.tenant, pool: task.pool, attempt: task.attempts, status: task.status });
      return json(200, toTaskView(task));
    });
}
