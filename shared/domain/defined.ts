/**
 * The object's defined values only: under `exactOptionalPropertyTypes` an absent
 * property, not one set to undefined (an override not given, a field a message lacks).
 */
export function definedOnly<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
