/**
 * The coordinator's notion of "now". Deadlines are computed in the application (not with SQL
 * `now()`) so tests can move time forward to expire leases without sleeping.
 */
export const clock = {
  now: (): Date => new Date(),
};
