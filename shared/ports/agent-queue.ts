/** A task message received for an agent. */
export interface ReceivedTask {
  readonly taskId: string;
  readonly tenant: string;
  readonly receipt: string;
  /** When SQS first had it (ISO): the basis of aging. */
  readonly sentAt: string;
}

/** The work queues of agent pools, as the lease API uses them (keys `pool:priority`). */
export interface AgentQueue {
  /** Up to `max` messages (≤ 10), invisible for `visibilitySeconds`; waits up to `waitSeconds` for the first. */
  receive(queueKey: string, max: number, waitSeconds: number, visibilitySeconds: number): Promise<ReceivedTask[]>;
  /** Visible again after `seconds` (0: at once). */
  setVisibility(queueKey: string, receipt: string, seconds: number): Promise<void>;
  delete(queueKey: string, receipt: string): Promise<void>;
}
