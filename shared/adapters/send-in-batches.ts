/** SNS PublishBatch's and SQS SendMessageBatch's limit of entries per call. */
const ENTRIES_PER_BATCH = 10;

/**
 * Sends `items` ten at a time and returns the indexes of those not accepted: the
 * entries a batch answered as Failed (each entry's Id is its index in the batch), and
 * every entry of a batch whose call threw. The caller decides what to resend.
 */
export async function sendInBatches<T>(items: readonly T[], send: (batch: readonly T[]) => Promise<{ readonly Failed?: readonly { readonly Id?: string | undefined }[] | undefined }>): Promise<number[]> {
  const failed: number[] = [];
  for (let start = 0; start < items.length; start += ENTRIES_PER_BATCH) {
    const batch = items.slice(start, start + ENTRIES_PER_BATCH);
    try {
      const response = await send(batch);
      for (const f of response.Failed ?? []) failed.push(start + Number(f.Id));
    } catch {
      failed.push(...batch.map((_, i) => start + i));
    }
  }
  return failed;
}
