import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ValueRef } from '../../domain/task.js';
import type { ValueStore } from '../../ports/value-store.js';
import { newValueKey } from '../value-key.js';

/**
 * Large values as objects `<tenant>/<taskId>/<name>-<uuid>.json` in the values
 * bucket (SSE, TLS only: infra/constructs/values-bucket.ts). Each put is a new
 * object (see ValueStore), so a retried completion writes a second one and the
 * loser's writer deletes its own; an object is deleted when the record pointing
 * to it goes (shared/services/release-values.ts).
 */
export class S3ValueStore implements ValueStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async put(tenant: string, taskId: string, name: 'payload' | 'result', json: string): Promise<ValueRef> {
    const key = newValueKey(tenant, taskId, name);
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: json, ContentType: 'application/json' }));
    return { key, bytes: Buffer.byteLength(json, 'utf8') };
  }

  async get(ref: ValueRef): Promise<string> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: ref.key }));
    return (await object.Body?.transformToString('utf8')) ?? 'null';
  }

  /** S3 answers a delete of a missing key with success, so this is safe to repeat. */
  async delete(ref: ValueRef): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: ref.key }));
  }
}
