import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNpy, writeNpy } from '@/lib/kernels/npy';
import { type CliIo, main } from '@/scripts/cli/main';
import { GET as getResult } from '../jobs/[id]/result/route';
import { DELETE as deleteJob, GET as getJob } from '../jobs/[id]/route';
import { GET as listJobs, POST as postJob } from '../jobs/route';
import { POST as postVolunteers } from '../volunteers/route';
import { backend, testDbForFile } from './harness';
import { SimVolunteer } from './volunteer-sim';

// The submitter CLI end to end against the real route handlers and database: its `fetch` hands each
// request to the route that `next start` would, and simulated volunteers compute while it watches.
testDbForFile();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sc-cli-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const routeFetch: typeof fetch = async (input, init) => {
  const request = new Request(input, init);
  const parts = new URL(request.url).pathname.split('/').filter(Boolean).slice(2); // after api/v1
  const ctx = (params: { id: string }) => ({ params: Promise.resolve(params) });
  const [resource, id, sub] = parts;
  if (resource === 'volunteers' && !id && request.method === 'POST') return postVolunteers(request);
  if (resource === 'jobs' && !id) return request.method === 'POST' ? postJob(request) : listJobs(request);
  if (resource === 'jobs' && id && !sub)
    return request.method === 'DELETE' ? deleteJob(request, ctx({ id })) : getJob(request, ctx({ id }));
  if (resource === 'jobs' && id && sub === 'result') return getResult(request, ctx({ id }));
  return Response.json(
    { error: { code: 'not_found', message: 'no such route in this test' } },
    { status: 404 },
  );
};

function cli(extraEnv: Record<string, string> = {}, onSleep?: () => Promise<void>) {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    env: {
      SPARE_CYCLES_URL: 'http://127.0.0.1:3000',
      SPARE_CYCLES_CONFIG: path.join(dir, 'config'),
      ...extraEnv,
    },
    cwd: dir,
    isTTY: false,
    fetch: routeFetch,
    // A short real wait: the background validator runs on timers, which a loop of promises alone
    // would never let run.
    sleep: async () => {
      await onSleep?.();
      await new Promise((resolve) => setTimeout(resolve, 10));
    },
  };
  return { io, output: () => ({ out, err }) };
}

function f32(values: number[]): Float32Array {
  return new Float32Array(values);
}

describe(`the submitter CLI (${backend})`, () => {
  it('submits a matmul job from .npy files, watches it finish, and downloads the right result', async () => {
    const [m, n, k] = [5, 4, 3];
    const a = f32(Array.from({ length: m * k }, (_, i) => (i % 7) - 3));
    const b = f32(Array.from({ length: k * n }, (_, i) => (i % 5) * 0.5 - 1));
    await writeFile(path.join(dir, 'a.npy'), writeNpy(m, k, a));
    await writeFile(path.join(dir, 'b.npy'), writeNpy(k, n, b));
    let rounds = 0;
    const run = cli({}, async () => {
      rounds++;
      await (await SimVolunteer.register()).work({ batch: 2, rounds: 1 });
    });
    const status = await main(
      [
        'submit',
        'matmul',
        '--params',
        JSON.stringify({ m, n, k, tileRows: 2, tileCols: 2 }),
        '--input',
        'a=a.npy',
        '--input',
        'b.npy',
        '--watch',
        '--interval',
        '50',
        '--out',
        'c.npy',
      ],
      run.io,
    );
    const { out, err } = run.output();
    expect(status, err).toBe(0);
    const jobId = out.trim();
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
    expect(err).toContain('Created a submitter identity');
    expect(err).toMatch(/\[█+\] 6\/6 verified · completed/);
    expect(err).toMatch(/░/); // progress was drawn before the end
    expect(rounds).toBeGreaterThan(1);

    const c = parseNpy(new Uint8Array(await readFile(path.join(dir, 'c.npy'))), 'c');
    expect(c.shape).toEqual([m, n]);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) sum += a[i * k + p]! * b[p * n + j]!;
        expect(c.data[i * n + j]).toBeCloseTo(sum, 4);
      }

    // The job is private by default: the saved token downloads it again; a stranger is told why not.
    const again = cli();
    expect(await main(['download', jobId, '--out', 'again.npy'], again.io)).toBe(0);
    expect(await readFile(path.join(dir, 'again.npy'))).toEqual(await readFile(path.join(dir, 'c.npy')));
    const stranger = await SimVolunteer.register();
    const refused = cli({ SPARE_CYCLES_TOKEN: stranger.token });
    expect(await main(['download', jobId], refused.io)).toBe(1);
    expect(refused.output().err).toBe(
      'error: This job is private: only its submitter may download the result; send "Authorization: Bearer <token>" with the token that submitted it.\n',
    );
    const listed = cli();
    expect(await main(['list'], listed.io)).toBe(0);
    expect(listed.output().out).toContain(`${jobId}  completed  matmul`);
  });

  it('prints the API’s own error message for a job it refuses, and cancels a job', async () => {
    const bad = cli();
    expect(await main(['submit', 'matmul', '--params', '{"m":0,"n":1,"k":1}'], bad.io)).toBe(1);
    expect(bad.output().err).toMatch(/^error: params\.m: .+\n$/);

    const ok = cli();
    expect(
      await main(
        [
          'submit',
          'hashsearch',
          '--params',
          '{"prefix":"ab","difficulty":4,"nonceStart":"0","nonceCount":64}',
        ],
        ok.io,
      ),
    ).toBe(0);
    const jobId = ok.output().out.trim();
    const cancel = cli();
    expect(await main(['cancel', jobId], cancel.io)).toBe(0);
    expect(cancel.output().out).toBe(`${jobId} cancelled\n`);
    const watch = cli();
    expect(await main(['watch', jobId], watch.io)).toBe(1);
    expect(watch.output().err).toContain(`Job ${jobId} cancelled.`);
  });

  it('has --help that reads like docs, and says how to fix a usage mistake', async () => {
    const help = cli();
    expect(await main(['--help'], help.io)).toBe(0);
    for (const word of [
      'submit <kernel>',
      'watch <jobId>',
      'download <jobId>',
      'cancel <jobId>',
      'list',
      '--public',
      'Examples',
    ])
      expect(help.output().out).toContain(word);
    const wrong = cli();
    expect(await main(['submit'], wrong.io)).toBe(2);
    expect(wrong.output().err).toContain('submit needs a kernel');
  });
});
