/** `1 attempt`, `2 attempts`, `1 child`, `0 children`: a count with its noun in the right number. */
export function counted(n: number, singular: string, plural: string = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
