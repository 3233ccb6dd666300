/**
 * What `taskfleet` exits with, so scripts can tell a failed task from a failed
 * command: 0 done (and every waited task or job COMPLETED); 1 an error (the API
 * refused, or could not be reached); 2 a usage error; 3 a waited task or job
 * ended FAILED, CANCELLED or EXPIRED; 130 `work` stopped by Ctrl-C (128 + SIGINT).
 */
export const ERROR_EXIT_CODE = 1;
export const USAGE_EXIT_CODE = 2;
export const NOT_COMPLETED_EXIT_CODE = 3;
export const INTERRUPTED_EXIT_CODE = 130;
