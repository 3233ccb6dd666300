import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The functions' structured logger. One per process, like the console it writes
 * to: it holds no stack's state (each invocation's context is injected by the
 * handler's middleware), so stacks sharing a process share it safely.
 */
export const logger = new Logger({ serviceName: 'taskfleet' });
