import type { Task, TaskError } from '../../domain/task.js';
import type { DeadLetter, DeadLetters } from '../../ports/dead-letters.js';
import { toDeadLetter } from '../dead-letter-body.js';

export class MemoryDeadLetters implements DeadLetters {
  readonly letters: DeadLetter[] = [];

  async send(task: Task, error: TaskError, now: Date): Promise<void> {
    this.letters.push(toDeadLetter(task, error, now));
  }
}
