import { asc, eq, sql } from 'drizzle-orm';
import { getBlobs, putBlobs } from '../../db/blobs';
import { type Db, queryRows } from '../../db/client';
import { jobs, shards } from '../../db/schema';
import { env } from '../../env';
import { clock } from '../clock';
import { failJob } from '../jobs/fail-job';
import { type CpuPool, isCpuBudgetError } from '../pipeline/cpu-pool';
import { settleJobFunds } from '../rewards/settle-job-funds';

export interface AssimilateOptions {
  batch: number;
  claimMs: number;
  /** Time budget for one job's assembly (e.g. PNG encoding). */
  budgetMs: number;
  retryMs: number;
}

export function defaultAssimilateOptions(): AssimilateOptions {
  return { batch: 8, claimMs: env().PIPELINE_CLAIM_SECONDS * 1000, budgetMs: 60_000, retryMs: 60_000 };
}

/**
 * One step of the assimilator (BOINC's `assimilator`): claims jobs whose last shard verified
 * (`assemble_after` passed), builds each output from the verified results in the CPU pool, stores it
 * and completes the job, settling a paid job's funds. Safe to run twice and from many processes:
 * claims use `FOR UPDATE SKIP LOCKED` and lapse by themselves, and completion only moves a job that
 * is still `running`.
 * An assembly past its budget fails the job visibly (retrying would only fail again).
 * Returns how many jobs it claimed.
 */
export async function assimilateDueJobs(
  db: Db,
  pool: CpuPool,
  options: AssimilateOptions = defaultAssimilateOptions(),
): Promise<number> {
  const now = clock.now();
  const claimed = await queryRows<{ id: string; kernel: string; params: unknown; status: string }>(
    db,
    sql`
      WITH due AS (
        SELECT id FROM jobs WHERE assemble_after <= ${now}
        ORDER BY assemble_after LIMIT ${options.batch}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE jobs j SET assemble_after = ${new Date(now.getTime() + options.claimMs)}
      FROM due WHERE j.id = due.id
      RETURNING j.id, j.kernel, j.params, j.status
    `,
  );
  for (const job of claimed) {
    if (job.status !== 'running') {
      await db.update(jobs).set({ assembleAfter: null }).where(eq(jobs.id, job.id));
      continue;
    }
    const rows = await db
      .select({ params: shards.params, sha: shards.canonicalSha256 })
      .from(shards)
      .where(eq(shards.jobId, job.id))
      .orderBy(asc(shards.index));
    const bytes = await getBlobs(
      db,
      rows.map((r) => r.sha!),
    );
    let output: { bytes: Uint8Array; contentType: string; filename: string };
    try {
      output = await pool.run(
        'assemble',
        {
          kernel: job.kernel,
          params: job.params,
          results: rows.map((r) => ({ params: r.params, result: bytes.get(r.sha!)! })),
        },
        { timeoutMs: options.budgetMs },
      );
    } catch (error) {
      const finished = clock.now();
      if (isCpuBudgetError(error)) {
        const message = `Assembling the output needed more than its budget of ${options.budgetMs} ms.`;
        await db.transaction((tx) => failJob(tx, job.id, message, finished));
      } else {
        console.error(
          `assimilator: job ${job.id} not assembled, retrying later:`,
          error instanceof Error ? error.message : error,
        );
        await db
          .update(jobs)
          .set({ assembleAfter: new Date(finished.getTime() + options.retryMs) })
          .where(eq(jobs.id, job.id));
      }
      continue;
    }
    await db.transaction(async (tx) => {
      const [sha] = await putBlobs(tx, [output.bytes]);
      const finished = clock.now();
      await tx
        .update(jobs)
        .set({
          status: 'completed',
          resultSha256: sha,
          resultContentType: output.contentType,
          resultFilename: output.filename,
          assembleAfter: null,
          finishedAt: finished,
          updatedAt: finished,
        })
        .where(sql`${jobs.id} = ${job.id} AND ${jobs.status} = 'running'`);
      // A paid job's unspent reservation returns to its payer (once; a no-op for unpaid jobs).
      await settleJobFunds(tx, job.id);
    });
  }
  return claimed.length;
}
