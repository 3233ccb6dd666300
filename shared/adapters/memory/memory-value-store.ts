import type { ValueRef } from '../../domain/task.js';
import type { ValueStore } from '../../ports/value-store.js';

export class MemoryValueStore implements ValueStore {
  readonly objects = new Map<string, string>();

  async put(tenant: string, taskId: string, name: 'payload' | 'result', json: string): Promise<ValueRef> {
    const key = `${tenant}/${encodeURIComponent(taskId)}/${name}.json`;
    this.objects.set(key, json);
    return { key, bytes: Buffer.byteLength(json, 'utf8') };
  }

  async get(ref: ValueRef): Promise<string> {
    const json = this.objects.get(ref.key);
    if (json === undefined) throw new Error(`no value ${ref.key}`);
    return json;
  }

  async delete(ref: ValueRef): Promise<void> {
    this.objects.delete(ref.key);
  }
}
