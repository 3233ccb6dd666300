/**
 * Tenant names and record ids, and the rule that keeps every tenant's keys apart.
 *
 * A tenant name is `[a-z0-9][a-z0-9-]{0,62}`: it can never contain `#` (the key
 * separator) nor upper-case letters (which start every system key: `TOKEN#`,
 * `CIRCUIT#`, ...). So `<tenant>#<kind>#<id>` can never equal another tenant's key
 * or a system key, whatever the id holds.
 */
export const TENANT_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function isTenantName(value: string): boolean {
  return TENANT_PATTERN.test(value);
}

/** What a tenant name must look like, for messages. */
export const TENANT_RULE = 'lower-case letters, digits and "-", 1 to 63 characters, starting with a letter or digit';
