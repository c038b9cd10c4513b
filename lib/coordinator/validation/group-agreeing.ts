/**
 * Groups replicas by agreement. `agree` may be a tolerance comparison, which is not transitive, so
 * each group is represented by its first member and a result joins the first group whose
 * representative it agrees with. The result is deterministic for a given order of results.
 *
 * @example groupAgreeing([1, 1.0001, 5], (a, b) => Math.abs(a - b) < 0.01) // [[1, 1.0001], [5]]
 */
export function groupAgreeing<T>(items: readonly T[], agree: (a: T, b: T) => boolean): T[][] {
  const groups: T[][] = [];
  for (const item of items) {
    const group = groups.find((g) => agree(g[0]!, item));
    if (group) group.push(item);
    else groups.push([item]);
  }
  return groups;
}
