import { sql } from 'drizzle-orm';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { clock } from '../coordinator/clock';
import { getDb, queryRows } from '../db/client';

/**
 * Prometheus metrics for operators (`GET /api/v1/metrics`, ADMIN_TOKEN). Everything that lives in
 * the database — leases, results by verdict, the validation backlog, jobs by state, epoch publish
 * latency — is read with one query at scrape time, so it is right with many coordinator processes
 * and needs no counters inside the coordinator's code paths. Only SSE connections are per process.
 */
interface Metrics {
  registry: Registry;
  sseConnections: Gauge;
  /** Reads the database once and renders every metric in the Prometheus text format. */
  scrape(): Promise<string>;
}

const globalKey = Symbol.for('spare-cycles.metrics');
type GlobalWithMetrics = typeof globalThis & { [globalKey]?: Metrics };

interface CountRow {
  kind: string;
  label: string | null;
  n: number | string | null;
}

async function readCounts(): Promise<CountRow[]> {
  const now = clock.now();
  return queryRows<CountRow>(
    await getDb(),
    sql`
    SELECT 'jobs' AS kind, status AS label, count(*) AS n FROM jobs GROUP BY status
    UNION ALL
    SELECT 'leases', CASE WHEN state = 'active' AND deadline <= ${now} THEN 'expired' ELSE state END, count(*)
      FROM leases GROUP BY 2
    UNION ALL
    SELECT 'results', status, count(*) FROM results GROUP BY status
    UNION ALL
    SELECT 'backlog', NULL, count(*) FROM results r JOIN shards s ON s.id = r.shard_id
      WHERE r.status = 'pending' AND s.status = 'pending'
    UNION ALL
    SELECT 'epoch_latency', NULL, extract(epoch FROM published_at - created_at)
      FROM (SELECT published_at, created_at FROM reward_epochs WHERE status = 'published'
            ORDER BY epoch DESC LIMIT 1) latest
  `,
  );
}

function create(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'spare_cycles_process_' });
  // One database read per scrape (`scrape()`), shared by the gauges below.
  let latest: CountRow[] = [];
  const counts = () => latest;
  const byLabel = (kind: string, known: string[]) =>
    function collect(this: Gauge) {
      this.reset();
      for (const label of known) this.set({ state: label }, 0);
      for (const row of counts()) if (row.kind === kind) this.set({ state: row.label ?? '' }, Number(row.n));
    };
  new Gauge({
    name: 'spare_cycles_jobs',
    help: 'Jobs by state (queued, running, completed, failed, cancelled).',
    labelNames: ['state'],
    registers: [registry],
    collect: byLabel('jobs', ['queued', 'running', 'completed', 'failed', 'cancelled']),
  });
  new Gauge({
    name: 'spare_cycles_leases',
    help: 'Leases by state; "active" are live now, "expired" passed their deadline without a result.',
    labelNames: ['state'],
    registers: [registry],
    collect: byLabel('leases', ['active', 'expired', 'completed', 'released', 'failed', 'cancelled']),
  });
  new Gauge({
    name: 'spare_cycles_results',
    help: 'Results received, by verdict (pending, valid, invalid).',
    labelNames: ['verdict'],
    registers: [registry],
    collect() {
      this.reset();
      for (const verdict of ['pending', 'valid', 'invalid']) this.set({ verdict }, 0);
      for (const row of counts())
        if (row.kind === 'results') this.set({ verdict: row.label ?? '' }, Number(row.n));
    },
  });
  new Gauge({
    name: 'spare_cycles_validation_backlog',
    help: 'Results awaiting a verdict on shards that are not decided yet.',
    registers: [registry],
    collect() {
      this.set(Number(counts().find((r) => r.kind === 'backlog')?.n ?? 0));
    },
  });
  new Gauge({
    name: 'spare_cycles_epoch_publish_latency_seconds',
    help: 'From recording the latest published reward epoch to the chain holding its root.',
    registers: [registry],
    collect() {
      const row = counts().find((r) => r.kind === 'epoch_latency');
      this.reset();
      if (row?.n !== undefined && row.n !== null) this.set(Number(row.n));
    },
  });
  const sseConnections = new Gauge({
    name: 'spare_cycles_sse_connections',
    help: 'Open Server-Sent Events streams of job progress in this process.',
    registers: [registry],
  });
  return {
    registry,
    sseConnections,
    async scrape() {
      latest = await readCounts();
      return registry.metrics();
    },
  };
}

/** The process-wide metrics (one registry even when Next evaluates this module per route bundle). */
export function metrics(): Metrics {
  const g = globalThis as GlobalWithMetrics;
  g[globalKey] ??= create();
  return g[globalKey];
}
