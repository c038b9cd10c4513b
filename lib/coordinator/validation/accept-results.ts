import { randomUUID } from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import { putBlobs, sha256Hex } from '../../db/blobs';
import { type Db, queryRows } from '../../db/client';
import { leases, results } from '../../db/schema';
import { ApiError } from '../../errors';
import { getKernel } from '../../kernels/registry';
import type { ResultStatus } from '../../protocol/states';
import { clock } from '../clock';
import { wakePipeline } from '../pipeline/pipeline-signal';

export interface ResultSubmission {
  leaseId: string;
  bytes: Uint8Array;
}

export type SubmissionOutcome =
  | { leaseId: string; status: ResultStatus }
  | { leaseId: string; error: ApiError };

interface Row {
  lease_id: string;
  state: string;
  deadline: Date | string;
  shard_id: string;
  kernel: string;
  params: unknown;
  shard_status: string;
  job_status: string;
  result_sha256: string | null;
  result_status: ResultStatus | null;
}

/**
 * Accepts a batch of results from one volunteer (the PUT is a batch of one) on the request path:
 * only what is cheap is checked here — the lease is this volunteer's and live, the size is right,
 * the same bytes again get the same answer and different bytes a 409 — then the bytes are stored
 * and the shard is marked due for validation. The answer is the result's status, `pending` for a
 * new result: the validator (a worker thread or a separate `npm run worker` process) runs the
 * kernel's check, compares replicas and credits later; the volunteer sees the verdict in
 * `GET /api/v1/volunteers/me`, or by sending the same bytes again.
 *
 * One transaction with a fixed number of statements for the whole batch, which is what makes
 * batching pay. Shards are locked in id order so concurrent batches cannot deadlock.
 */
export async function acceptResults(
  db: Db,
  volunteerId: string,
  submitted: ResultSubmission[],
): Promise<SubmissionOutcome[]> {
  if (submitted.length === 0) return [];
  // UUIDs are case-insensitive; rows come back lower-case, so match (and answer) in lower case.
  const items = submitted.map((item) => ({ ...item, leaseId: item.leaseId.toLowerCase() }));
  const now = clock.now();
  const outcomes = await db.transaction(async (tx) => {
    const leaseIds = [...new Set(items.map((i) => i.leaseId))];
    const leaseList = sql.join(
      leaseIds.map((id) => sql`${id}::uuid`),
      sql`, `,
    );
    // Lock the shards first, in id order (no deadlocks between batches); then read leases and
    // results with a fresh statement, which under READ COMMITTED sees what the lock waited for.
    await tx.execute(sql`
      SELECT s.id FROM shards s
      WHERE s.id IN (SELECT shard_id FROM leases WHERE id IN (${leaseList}) AND volunteer_id = ${volunteerId}::uuid)
      ORDER BY s.id
      FOR UPDATE
    `);
    const rows = await queryRows<Row>(
      tx,
      sql`
        SELECT l.id AS lease_id, l.state, l.deadline, l.shard_id, s.kernel, s.params,
               s.status AS shard_status, j.status AS job_status,
               r.sha256 AS result_sha256, r.status AS result_status
        FROM leases l
        JOIN shards s ON s.id = l.shard_id
        JOIN jobs j ON j.id = l.job_id
        LEFT JOIN results r ON r.lease_id = l.id
        WHERE l.id IN (${leaseList}) AND l.volunteer_id = ${volunteerId}::uuid
      `,
    );
    const byLease = new Map(rows.map((r) => [r.lease_id, r]));
    const out: SubmissionOutcome[] = [];
    const created: { id: string; leaseId: string; shardId: string; sha256: string; bytes: Uint8Array }[] = [];
    const seen = new Map<string, string>();
    for (const item of items) {
      const row = byLease.get(item.leaseId);
      const refusal = row ? refuse(row, item.bytes) : notFound(item.leaseId);
      if (refusal) {
        out.push({ leaseId: item.leaseId, error: refusal });
        continue;
      }
      const sha = sha256Hex(item.bytes);
      const earlier = row!.result_sha256 ?? seen.get(item.leaseId);
      if (earlier !== undefined) {
        out.push(
          earlier === sha
            ? { leaseId: item.leaseId, status: row!.result_status ?? 'pending' }
            : { leaseId: item.leaseId, error: conflict() },
        );
        continue;
      }
      if (!isOpen(row!, now)) {
        out.push({ leaseId: item.leaseId, error: closedOrExpired(row!) });
        continue;
      }
      seen.set(item.leaseId, sha);
      created.push({
        id: randomUUID(),
        leaseId: item.leaseId,
        shardId: row!.shard_id,
        sha256: sha,
        bytes: item.bytes,
      });
      out.push({ leaseId: item.leaseId, status: 'pending' });
    }
    if (created.length === 0) return out;

    await putBlobs(
      tx,
      created.map((c) => c.bytes),
    );
    await tx.insert(results).values(
      created.map((c) => ({
        id: c.id,
        leaseId: c.leaseId,
        shardId: c.shardId,
        volunteerId,
        sha256: c.sha256,
        status: 'pending' as const,
        createdAt: now,
      })),
    );
    await tx
      .update(leases)
      .set({ state: 'completed' })
      .where(
        inArray(
          leases.id,
          created.map((c) => c.leaseId),
        ),
      );
    const perShard = new Map<string, number>();
    for (const c of created) perShard.set(c.shardId, (perShard.get(c.shardId) ?? 0) + 1);
    await tx.execute(sql`
      UPDATE shards AS s SET
        results_count = s.results_count + v.n,
        awaiting = s.awaiting + v.n,
        validate_after = ${now}
      FROM (VALUES ${sql.join(
        [...perShard].map(([id, n]) => sql`(${id}::uuid, ${n}::int)`),
        sql`, `,
      )}) AS v(id, n)
      WHERE s.id = v.id
    `);
    return out;
  });
  if (outcomes.some((o) => 'status' in o && o.status === 'pending')) wakePipeline();
  return outcomes;
}

function notFound(leaseId: string): ApiError {
  return new ApiError('not_found', `No lease ${leaseId} is held by this volunteer; lease work first.`);
}

function conflict(): ApiError {
  return new ApiError(
    'conflict',
    'A different result was already accepted for this lease; results cannot be changed.',
  );
}

/** Refusals that hold whatever happened before: the size is wrong for this shard. */
function refuse(row: Row, bytes: Uint8Array): ApiError | null {
  const kernel = getKernel(row.kernel);
  if (!kernel)
    return new ApiError('job_closed', 'This shard belongs to a kernel this coordinator no longer runs.');
  const size = kernel.resultSize(row.params);
  if ('exact' in size) {
    return bytes.byteLength === size.exact
      ? null
      : new ApiError(
          'wrong_result_size',
          `The result must be exactly ${size.exact} bytes for this shard; got ${bytes.byteLength}.`,
        );
  }
  if (bytes.byteLength % size.multipleOf !== 0 || bytes.byteLength > size.max) {
    return new ApiError(
      'wrong_result_size',
      `The result must be a multiple of ${size.multipleOf} bytes and at most ${size.max}; got ${bytes.byteLength}.`,
    );
  }
  return null;
}

function isOpen(row: Row, now: Date): boolean {
  return (
    ['queued', 'running'].includes(row.job_status) &&
    row.shard_status !== 'cancelled' &&
    row.shard_status !== 'failed' &&
    row.state === 'active' &&
    new Date(row.deadline).getTime() > now.getTime()
  );
}

function closedOrExpired(row: Row): ApiError {
  if (
    !['queued', 'running'].includes(row.job_status) ||
    row.shard_status === 'cancelled' ||
    row.shard_status === 'failed'
  ) {
    return new ApiError('job_closed', `The job is ${row.job_status}; this result is no longer needed.`);
  }
  return new ApiError(
    'lease_expired',
    'The lease expired or was handed back before the result arrived, and the shard was offered to someone else; lease new work.',
  );
}
