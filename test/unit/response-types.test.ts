import { describe, expectTypeOf, it } from 'vitest';
import type { toAgentView } from '../../shared/domain/agent.js';
import type { toScheduleView } from '../../shared/domain/schedule.js';
import type { TaskView } from '../../shared/domain/task.js';
import type { TaskfleetEvent } from '../../shared/domain/events.js';
import type { WebhookView } from '../../shared/domain/webhook.js';
import type * as R from '../../shared/http/responses.js';
import type { ResponseBody } from '../../shared/http/responses.js';
import type { Page, TaskSummary } from '../../shared/ports/task-queries.js';
import type { LeasedTask, registerAgent } from '../../shared/services/agents.js';
import type { listDeadLetters, redriveDeadLetters } from '../../shared/services/dead-letters.js';
import type { Stats } from '../../shared/services/get-stats.js';
import type { JobView } from '../../shared/services/jobs.js';
import type { AgentDetail } from '../../shared/services/list-agents.js';
import type { JobSummary } from '../../shared/services/list-jobs.js';
import type { listConcurrencyKeys, RateLimitView } from '../../shared/services/rate-limits.js';
import type { createWebhook, listDeliveries, redeliver, rotateWebhookSecret } from '../../shared/services/webhooks.js';

type Answer<F extends (...args: never[]) => Promise<unknown>> = Awaited<ReturnType<F>>;

// What the handlers format (the domain's views and the services' answers) must fit
// the response schemas the OpenAPI document is made of: checked by `tsc --noEmit`,
// so a field added to a view without its schema fails the build, not a client.
describe('the handlers answer what the response schemas say', () => {
  it('tasks', () => {
    expectTypeOf<TaskView>().toExtend<ResponseBody<typeof R.TaskSchema>>();
    expectTypeOf<Page<TaskSummary>>().toExtend<ResponseBody<typeof R.TaskPageSchema>>();
    expectTypeOf<Pick<TaskView, 'id' | 'status' | 'pool' | 'priority'>>().toExtend<ResponseBody<typeof R.SubmittedTaskSchema>>();
  });

  it('agents and leases', () => {
    expectTypeOf<ReturnType<typeof toAgentView>>().toExtend<ResponseBody<typeof R.AgentSchema>>();
    expectTypeOf<Answer<typeof registerAgent> & { heartbeatIntervalSeconds: number }>().toExtend<ResponseBody<typeof R.RegisteredAgentSchema>>();
    expectTypeOf<AgentDetail>().toExtend<ResponseBody<typeof R.AgentDetailSchema>>();
    expectTypeOf<{ tasks: LeasedTask[] }>().toExtend<ResponseBody<typeof R.LeaseSchema>>();
  });

  it('jobs', () => {
    expectTypeOf<JobView>().toExtend<ResponseBody<typeof R.JobSchema>>();
    expectTypeOf<Page<JobSummary>>().toExtend<ResponseBody<typeof R.JobPageSchema>>();
  });

  it('schedules, webhooks, rate limits, events, stats, dead letters', () => {
    expectTypeOf<ReturnType<typeof toScheduleView>>().toExtend<ResponseBody<typeof R.ScheduleSchema>>();
    expectTypeOf<WebhookView>().toExtend<ResponseBody<typeof R.WebhookSchema>>();
    expectTypeOf<Answer<typeof createWebhook>>().toExtend<ResponseBody<typeof R.CreatedWebhookSchema>>();
    expectTypeOf<Answer<typeof rotateWebhookSecret>>().toExtend<ResponseBody<typeof R.CreatedWebhookSchema>>();
    expectTypeOf<Answer<typeof listDeliveries>>().toExtend<ResponseBody<typeof R.WebhookDeliveryListSchema>>();
    expectTypeOf<Answer<typeof redeliver>>().toExtend<ResponseBody<typeof R.WebhookDeliverySchema>>();
    expectTypeOf<RateLimitView>().toExtend<ResponseBody<typeof R.RateLimitSchema>>();
    expectTypeOf<{ items: RateLimitView[]; concurrencyKeys: Answer<typeof listConcurrencyKeys> }>().toExtend<ResponseBody<typeof R.RateLimitListSchema>>();
    expectTypeOf<{ items: TaskfleetEvent[]; next: string }>().toExtend<ResponseBody<typeof R.EventPageSchema>>();
    // As an object type, not the interface: the schema is open (more figures may come), and only object types fit an index signature.
    expectTypeOf<{ [K in keyof Stats]: Stats[K] }>().toExtend<ResponseBody<typeof R.StatsSchema>>();
    expectTypeOf<Answer<typeof redriveDeadLetters>>().toExtend<ResponseBody<typeof R.RedriveSchema>>();
    expectTypeOf<Answer<typeof listDeadLetters>>().toExtend<ResponseBody<typeof R.DeadLetterListSchema>>();
  });
});
