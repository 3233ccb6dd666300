/** An error answer of the taskfleet API: its status, code and the fields it names. */
export class TaskfleetApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: readonly { field: string; message: string }[] = [],
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = 'TaskfleetApiError';
  }
}
