import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { type Queryable, queryRows } from '@/lib/db/client';
import { writeNpy } from '@/lib/kernels/npy';
import { api, settle, toBase64 } from './harness';
import { SimVolunteer } from './volunteer-sim';

/** A mandelbrot job of 6 tiles: a quorum kernel (results are only plausible alone). */
export async function mandelbrotJob(
  owner: SimVolunteer,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const r = await api.createJob(owner.token, {
    kernel: 'mandelbrot',
    params: { width: 48, height: 32, centerX: -0.5, centerY: 0, scale: 3, maxIter: 64, tileSize: 16 },
    visibility: 'public',
    ...extra,
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.jobId;
}

export function seededMatrix(rows: number, cols: number, seed: number): Float32Array {
  const out = new Float32Array(rows * cols);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    x = (x * 1664525 + 1013904223) >>> 0;
    out[i] = ((x >>> 8) / 2 ** 24) * 2 - 1;
  }
  return out;
}

/** A matmul job (self-verifying: Freivalds proves each tile alone) of (m/tile)² tiles. */
export async function matmulJob(
  owner: SimVolunteer,
  m = 6,
  tile = 3,
  replication?: { min: number; max: number },
) {
  const a = seededMatrix(m, m, 7);
  const b = seededMatrix(m, m, 11);
  const r = await api.createJob(owner.token, {
    kernel: 'matmul',
    params: { m, n: m, k: m, tileRows: tile, tileCols: tile },
    inputs: { a: toBase64(writeNpy(m, m, a)), b: toBase64(writeNpy(m, m, b)) },
    visibility: 'public',
    ...(replication ? { replication } : {}),
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { jobId: r.body.jobId as string, a, b, m };
}

export function product(a: Float32Array, b: Float32Array, m: number): Float64Array {
  const c = new Float64Array(m * m);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let p = 0; p < m; p++) s += a[i * m + p]! * b[p * m + j]!;
      c[i * m + j] = s;
    }
  return c;
}

export async function reputation(db: Queryable, volunteerId: string, kernel: string): Promise<number> {
  const [row] = await queryRows<{ cv: number }>(
    db,
    sql`SELECT consecutive_valid AS cv FROM reputations WHERE volunteer_id = ${volunteerId}::uuid AND kernel = ${kernel}`,
  );
  return Number(row?.cv ?? 0);
}

export async function creditCount(db: Queryable, volunteerId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM credits WHERE volunteer_id = ${volunteerId}::uuid`,
  );
  return Number(row!.n);
}

/** Wrong bytes of the right size: the last value of the honest answer changed. */
export function corrupt(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes);
  out[out.length - 2] = (out[out.length - 2]! + 1) & 0xff;
  return out;
}

/** Leases one matmul shard and answers it wrongly (Freivalds proves it wrong): the liar is caught. */
export async function lieOnce(liar: SimVolunteer): Promise<void> {
  const owner = await SimVolunteer.register();
  const { jobId } = await matmulJob(owner, 3, 3);
  const [lease] = await liar.lease(1, { kernels: ['matmul'] });
  expect(lease!.jobId).toBe(jobId);
  const [answer] = await liar.submitBatch([
    { leaseId: lease!.leaseId, bytes: corrupt(await liar.compute(lease!)) },
  ]);
  expect(answer!.status).toBe('pending');
  await settle();
  expect((await api.cancel(owner.token, jobId)).status).toBe(200);
}
