import { describe, expectTypeOf, it } from 'vitest';
import type * as sdk from '../../sdk/index.js';
import type { TaskView } from '../../shared/domain/task.js';
import type { TaskSummary, Page } from '../../shared/ports/task-queries.js';
import type { LeasedTask } from '../../shared/services/agents.js';
import type { JobView } from '../../shared/services/jobs.js';
import type { Stats } from '../../shared/services/get-stats.js';
import type { TaskStatus } from '../../shared/domain/task-status.js';
import type { Priority } from '../../shared/domain/priority.js';
import type { JobStatus } from '../../shared/domain/job.js';
import type { DeliveryView } from '../../shared/domain/webhook-delivery.js';

// The SDK declares the wire types itself so it installs without the server.
// These checks run in `tsc --noEmit`: they fail when the server's answers stop
// fitting what the SDK promises its users.
describe('the SDK wire types', () => {
  it('accept what the server answers', () => {
    expectTypeOf<TaskView>().toExtend<sdk.TaskView>();
    expectTypeOf<Page<TaskSummary>>().toExtend<sdk.Page<sdk.TaskSummary>>();
    expectTypeOf<LeasedTask>().toExtend<sdk.LeasedTask>();
    expectTypeOf<JobView>().toExtend<sdk.JobView>();
    expectTypeOf<Stats>().toExtend<sdk.Stats>();
    expectTypeOf<DeliveryView>().toExtend<sdk.WebhookDelivery>();
  });

  it('name the same statuses and priorities', () => {
    expectTypeOf<sdk.TaskStatus>().toEqualTypeOf<TaskStatus>();
    expectTypeOf<sdk.Priority>().toEqualTypeOf<Priority>();
    expectTypeOf<sdk.JobStatus>().toEqualTypeOf<JobStatus>();
  });

  it('type payloads and results by task type', () => {
    interface Tasks {
      resize: { payload: { url: string }; result: { bytes: number } };
    }
    type Client = sdk.TaskfleetClient<Tasks>;
    expectTypeOf<Parameters<Client['submit']>[0]['type']>().toEqualTypeOf<'resize'>();
    expectTypeOf<sdk.PayloadOf<Tasks, 'resize'>>().toEqualTypeOf<{ url: string }>();
    expectTypeOf<Awaited<ReturnType<Client['wait']>>['result']>().toEqualTypeOf<{ bytes: number } | undefined>();
  });
});
