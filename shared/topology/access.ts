/**
 * The AWS actions each function's code path calls, by what they act on. The
 * stack grants exactly this (infra/constructs/grant-access.ts) and
 * test/infra/iam-coverage.test.ts checks the synthesized policies against it in
 * both directions: a declared action missing from a role is an AccessDenied on
 * AWS (the emulators never enforce IAM), an undeclared one is privilege nobody
 * uses.
 *
 * To change what a code path does on AWS, edit its building block below (e.g.
 * large payloads on S3: add a `payloads` target and an `s3:GetObject` entry),
 * and every function that runs that path follows.
 */

/** What a grant applies to; the stack turns each into ARNs. */
export const ACCESS_TARGETS = {
  table: 'the task table (items only)',
  indexes: 'the task table’s GSIs (`<table>/index/*`)',
  tokenItems: 'the task table, only items whose partition key starts `TOKEN#` (dynamodb:LeadingKeys)',
  workQueues: 'every work queue: a `runsOn: lambda` pool × priority (agent pools have none)',
  deadLetters: 'every DLQ (every pool × priority, agent pools included)',
  agentDeadLetters: 'the DLQs of `runsOn: agents` pools',
  ownWorkQueues: 'a pool worker’s own pool’s work queues',
  ownDeadLetters: 'a pool worker’s own pool’s DLQs',
  values: 'the objects of the values bucket (payloads and results over 8 KiB)',
  tableStream: 'the task table’s stream',
  anyStream: 'every stream (`dynamodb:ListStreams` has no resource-level permission: `*`)',
  streamFailures: 'the stream consumer’s on-failure queue (records its mapping gave up on)',
  eventsTopic: 'the events topic (SNS)',
  topicKey: 'the KMS key that encrypts the events topic',
  deliveryQueue: 'the webhook delivery queue',
  deliveryDlq: 'the webhook delivery DLQ',
} as const;

export type AccessTarget = keyof typeof ACCESS_TARGETS;

/** Target → the actions allowed on it (`service:Action`, as IAM spells them). */
export type Access = Readonly<Partial<Record<AccessTarget, readonly string[]>>>;

/** The union of several code paths' access, each list sorted and without repeats. */
export function access(...parts: readonly Access[]): Access {
  const merged: Partial<Record<AccessTarget, string[]>> = {};
  for (const part of parts) {
    for (const [target, actions] of Object.entries(part) as [AccessTarget, readonly string[]][]) {
      merged[target] = [...new Set([...(merged[target] ?? []), ...actions])].sort();
    }
  }
  return merged;
}

// ── Code paths ────────────────────────────────────────────────────────────────

/**
 * Keeps a payload or result over 8 KiB in the values bucket, as a new object per
 * write, and deletes the object of a write that was refused (a duplicate id, a lost completion).
 */
export const storesValues: Access = { values: ['s3:PutObject', 's3:DeleteObject'] };
/** Reads a payload or result kept in the values bucket. */
export const readsValues: Access = { values: ['s3:GetObject'] };


/** Reads one item by key (a task, job, agent, schedule, circuit). */
export const getsItems: Access = { table: ['dynamodb:GetItem'] };
/** Reads a partition (a job's count shards, a tenant's rate limits, webhooks or event log). */
export const queriesPartitions: Access = { table: ['dynamodb:Query'] };
/** Reads items by key and by partition. */
export const readsItems: Access = access(getsItems, queriesPartitions);

/** Lists by the GSIs: tasks by status / pool / tenant, ready tasks, due timers, active jobs. */
export const queriesIndexes: Access = { indexes: ['dynamodb:Query'] };

/** Reads many tasks at once (`store.getMany`): a job's children, a reduce's inputs. */
export const readsManyTasks: Access = { table: ['dynamodb:BatchGetItem'] };

/**
 * A conditional write of a task's transition (UpdateItem), in one transaction
 * with a job's count (UpdateItem) or a next stage (PutItem) when there is one.
 */
export const transitionsTasks: Access = access({ table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] }, storesValues);

/** Sends Lambda-pool tasks to their pool × priority queue (SendMessageBatch is authorized as SendMessage), then marks a job's children sent (UpdateItem). */
export const enqueuesTasks: Access = { table: ['dynamodb:UpdateItem'], workQueues: ['sqs:SendMessage'] };

/** Lists a tenant's agents (the list index, then a BatchGet): placement and admission on agent pools, /stats. */
export const listsAgents: Access = { indexes: ['dynamodb:Query'], table: ['dynamodb:BatchGetItem'] };

/** Creates tasks: placement (the tenant's agents), a large payload to the values bucket, a conditional Put (with its idempotency key, in a transaction), a replay read, then the enqueue. */
export const createsTasks: Access = access(listsAgents, storesValues, { table: ['dynamodb:GetItem', 'dynamodb:PutItem'] }, enqueuesTasks);

/**
 * What follows a final transition (services/fan-in.ts): a next stage or a reduce
 * is created and enqueued on whatever pool it routes to, a job's counts read, a
 * failed job's unfinished children cancelled. Any function that can finish a
 * task runs it — without SendMessage on every work queue, stages and reduces
 * wait for the sweep.
 */
export const followsThrough: Access = access(transitionsTasks, readsItems, readsManyTasks, createsTasks);

/** The agent registry: register, heartbeat, hold and release leases on the agent's item. */
export const keepsAgents: Access = { table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] };

/** A task that fails for good on an agent pool is dead-lettered by the API, as a worker does for its pool. */
export const deadLettersAgentTasks: Access = { agentDeadLetters: ['sqs:SendMessage'] };

/** GET /stats: SQS's own depth counters of every work queue and DLQ (GetQueueAttributes only). */
export const readsQueueDepths: Access = { workQueues: ['sqs:GetQueueAttributes'], deadLetters: ['sqs:GetQueueAttributes'] };

/** GET /dlq reads letters and puts them back; a redrive also deletes them. */
export const readsDeadLetters: Access = { deadLetters: ['sqs:ChangeMessageVisibility', 'sqs:ReceiveMessage'] };
export const removesDeadLetters: Access = { deadLetters: ['sqs:DeleteMessage'] };

/**
 * A job's expansion (services/expand-job.ts): reads a chunk of items (GetItem),
 * checks which children exist (BatchGetItem), writes them (BatchWriteItem, 25 at
 * a time), sends them, and holds and moves the job's cursor (UpdateItem); an
 * unfinished one sends an expansion message to the first Lambda pool's queue.
 */
export const expandsJobs: Access = access(readsItems, readsManyTasks, enqueuesTasks, storesValues, { table: ['dynamodb:BatchWriteItem', 'dynamodb:UpdateItem'] });

/** Creates a job: its items in chunks (PutItem), the job with its idempotency key (a transaction of Puts), and a one-chunk job's expansion. */
export const createsJobs: Access = access(createsTasks, expandsJobs);

/** The bearer-token check: one GetItem on a token item, and nothing else in the table. */
export const readsTokens: Access = { tokenItems: ['dynamodb:GetItem'] };
/** Takes a request from the tenant's bucket (`TOKEN#RATE#<tenant>`) when its token carries a rate: one conditional UpdateItem. */
export const limitsTenantRequests: Access = { tokenItems: ['dynamodb:UpdateItem'] };

/**
 * A pool's worker: Lambda's event-source mapping polls with the function's role
 * (ReceiveMessage, DeleteMessage, GetQueueAttributes); the worker itself changes
 * visibility for a retry's backoff and dead-letters a spent task to its own DLQ.
 * It may record circuits (PutItem) and read a reduce's children.
 */
export const runsPoolWorker: Access = access(
  {
    ownWorkQueues: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
    ownDeadLetters: ['sqs:SendMessage'],
  },
  followsThrough,
  readsValues,
  expandsJobs,
);

/** The scheduled sweep: due timers (delays, deadlines, lapsed agent leases whose task may fail for good), next stages, job checks. */
export const sweeps: Access = access(queriesIndexes, enqueuesTasks, followsThrough, deadLettersAgentTasks, expandsJobs);

/**
 * The schedule store: a schedule and its due item change together in one
 * transaction (Put/Update the schedule, Delete the old due item, Put the new one),
 * read by key, listed through the list index, due items queried by partition.
 * Each route holds only its own operation's part.
 */
export const keepsSchedules: Access = access(
  { table: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'] },
  queriesIndexes,
);
/** POST /schedules: a transaction of Puts (the schedule, its due item). */
export const createsSchedules: Access = { table: ['dynamodb:PutItem'] };
/** GET /schedules: the list index (and a read by key). */
export const listsSchedules: Access = access(getsItems, queriesIndexes);
/** DELETE /schedules/{id}: read it, then delete it and its due item in one transaction. */
export const deletesSchedules: Access = { table: ['dynamodb:DeleteItem', 'dynamodb:GetItem'] };
/** Pause and resume: read it, update it, move its due item (Delete the old, Put the new). */
export const changesSchedules: Access = { table: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] };

/** POST /schedules/{id}/run: the schedule read by key, its task submitted like POST /tasks. */
export const runsSchedules: Access = access(getsItems, createsTasks);

/** The schedule tick: due schedules, their runs submitted like POST /tasks, an overlapping run cancelled. */
export const ticksSchedules: Access = access(keepsSchedules, createsTasks, transitionsTasks, followsThrough);

/** A tenant's webhooks, one item each under one partition: created (PutItem, after counting the partition), listed, deleted by key. */
export const createsWebhooks: Access = { table: ['dynamodb:PutItem', 'dynamodb:Query'] };
export const listsWebhooks: Access = access(queriesPartitions);
export const deletesWebhooks: Access = { table: ['dynamodb:DeleteItem'] };
/** A webhook's failed deliveries: the webhook read by key, then its own partition of delivery records (one Query). */
export const listsWebhookDeliveries: Access = access(getsItems, queriesPartitions);
/** A redelivery: the webhook and the record read, the record marked (UpdateItem), the delivery sent to the delivery queue. */
export const redeliversWebhooks: Access = { table: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], deliveryQueue: ['sqs:SendMessage'] };
/** A new signing secret: one conditional UpdateItem. */
export const rotatesWebhookSecrets: Access = { table: ['dynamodb:UpdateItem'] };

/**
 * A tenant's rate limits: one item per task type under `<tenant>#ratelimits`, listed
 * with one Query, set and deleted by key. Taking a token, and a concurrency key's
 * slot, is a conditional UpdateItem (a PutItem creates a key's item, a BatchGet reads
 * its holders' tasks) on the start path: every role that starts a task
 * (`transitionsTasks` + `readsItems` + `readsManyTasks`) already holds those.
 */
export const keepsRateLimits: Access = { table: ['dynamodb:Query', 'dynamodb:UpdateItem'] };
/** GET /rate-limits: the limits (one Query), and the concurrency keys (the list index, then a BatchGet of their items). */
export const listsRateLimits: Access = access(queriesPartitions, queriesIndexes, readsManyTasks);
/** DELETE /rate-limits/{type}: one DeleteItem. */
export const removesRateLimits: Access = { table: ['dynamodb:DeleteItem'] };

// ── Events and webhooks ───────────────────────────────────────────────────────

/**
 * What Lambda's event-source mapping does with the consumer's role, not its code:
 * reads the table's stream and sends a batch it gave up on (after bisecting and
 * bounded retries) to the on-failure queue.
 */
export const readsTableStream: Access = {
  tableStream: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
  anyStream: ['dynamodb:ListStreams'],
  streamFailures: ['sqs:SendMessage'],
};

/** What the delivery queue's event-source mapping does with the delivery function's role. */
export const pollsDeliveries: Access = { deliveryQueue: ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'] };

/** What a pool worker's event-source mappings do with its role (its code changes visibility itself). */
export const pollsOwnQueues: Access = { ownWorkQueues: ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'] };

/** Publishes events in batches to the KMS-encrypted topic (SNS asks KMS for a data key as the publisher). */
export const publishesEvents: Access = { eventsTopic: ['sns:Publish'], topicKey: ['kms:Decrypt', 'kms:GenerateDataKey'] };

/**
 * The stream consumer's code: events to the topic, one delivery message per
 * matching webhook, the tenant's event log (PutItem), the /stats counters and
 * ready marks (UpdateItem), a tenant's webhooks listed by partition (Query), a
 * batch's counters in one transaction with its marker (Put, Update: applied once
 * per batch however often it is delivered), and the values objects of a record
 * that is removed or no longer points to them (DeleteObject), once no task that
 * could hold them does (GetItem). It counts job children into their jobs in that
 * transaction too, then runs those jobs' fan-in (`followsThrough`: a reduce
 * created and enqueued, a failed job's children cancelled).
 */
export const consumesStream: Access = access(publishesEvents, followsThrough, {
  deliveryQueue: ['sqs:SendMessage'],
  table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
  values: ['s3:DeleteObject'],
});

/** The delivery function's code: reads its webhook (GetItem), records the outcome (UpdateItem), re-queues a retry, dead-letters a spent one. */
export const deliversWebhooks: Access = {
  table: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  deliveryQueue: ['sqs:SendMessage'],
  deliveryDlq: ['sqs:SendMessage'],
};
