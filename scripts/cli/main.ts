import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { JobSummary } from '../../lib/protocol/jobs';
import { ApiClient, ApiClientError, type JobFiles } from './api-client';
import { progressLine } from './progress-bar';

export const helpText = `spare-cycles — submit jobs to a Spare Cycles coordinator, follow them, fetch verified results

Usage
  spare-cycles <command> [arguments] [options]

Commands
  submit <kernel>     Submit a job (validated in full by the server before anything is stored)
  watch <jobId>       Follow a job with a progress bar until it completes, fails or is cancelled
  download <jobId>    Save a completed job's verified result
  cancel <jobId>      Cancel a job you submitted
  list                Show recent jobs
  register            Create a submitter identity and save its token

Options for every command
  --url <origin>      The coordinator (env SPARE_CYCLES_URL; default http://127.0.0.1:3000)
  --token <token>     Your submitter token (env SPARE_CYCLES_TOKEN; default: the saved one)
  -h, --help          Show this help

Options for submit
  --params <json>     Kernel parameters as JSON, or @file.json to read them from a file
  --input <name=file> An input file, raw bytes as the kernel documents them: .npy arrays
                      (matmul a, b), .onnx models, any other file. Repeat for each input;
                      a bare <file> is named after it (a.npy → a)
  --wgsl <file.wgsl>  The shader of a wgsl job (becomes params.code)
  --title <text>      A title shown in listings
  --replication <min,max>  Agreeing results needed, and the most results tried
  --public            Anyone may read the job's inputs, params and result (a showcase).
                      Default: private — only your token reads them (and volunteers, the
                      inputs of the shard they are computing)
  --watch             Follow the job until it ends
  --out <path>        With --watch: save the result to this file or folder

Options for watch
  --out <path>        Save the result once the job completes
  --interval <ms>     How often to ask for progress (default 1000)

Options for download
  --out <path>        File or folder to save to (default: the server's filename, here)

Your token
  The first submit (or register) creates an identity and saves its token to
  ~/.config/spare-cycles/token (or $SPARE_CYCLES_CONFIG/token). Keep it: private jobs'
  results can only be downloaded with it.

Exit status
  0 when the command (and a watched job) succeeded; 1 when the API refused it — its error
  message is printed exactly as the API words it — or the job failed or was cancelled;
  2 for a usage mistake.

Examples
  spare-cycles submit matmul --params '{"m":512,"n":512,"k":512}' --input a=a.npy --input b=b.npy --watch --out c.npy
  spare-cycles submit hashsearch --params @search.json --public
  spare-cycles submit wgsl --wgsl double.wgsl --params '{"workgroups":[1,1,1],"outputBytes":16}' --input input=data.bin
  spare-cycles watch 3f2c…  &&  spare-cycles download 3f2c… --out results/
  spare-cycles list
`;

const cliEnvSchema = z.object({
  SPARE_CYCLES_URL: z.url().optional(),
  SPARE_CYCLES_TOKEN: z.string().min(1).optional(),
  SPARE_CYCLES_CONFIG: z.string().min(1).optional(),
});

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** A terminal: redraw the progress bar in place; otherwise print one line per change. */
  isTTY: boolean;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

class UsageError extends Error {}

const terminal = new Set(['completed', 'failed', 'cancelled']);

/** Runs the CLI; returns the exit status. Never calls `process.exit` (tests run it in-process). */
export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    if (error instanceof ApiClientError) {
      io.stderr(`error: ${error.message}\n`);
      return 1;
    }
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\nRun "spare-cycles --help" for usage.\n`);
      return 2;
    }
    io.stderr(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

async function run(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    io.stdout(helpText);
    return command || values.help ? 0 : 2;
  }
  const env = cliEnvSchema.parse(io.env);
  const baseUrl = values.url ?? env.SPARE_CYCLES_URL ?? 'http://127.0.0.1:3000';
  const configDir = env.SPARE_CYCLES_CONFIG ?? path.join(homedir(), '.config', 'spare-cycles');
  const tokenFile = path.join(configDir, 'token');
  const savedToken = async () => (await readFile(tokenFile, 'utf8').catch(() => '')).trim() || undefined;
  const token = values.token ?? env.SPARE_CYCLES_TOKEN ?? (await savedToken());
  const api = new ApiClient({ baseUrl, token, fetch: io.fetch });
  const register = async () => {
    const identity = await new ApiClient({ baseUrl, fetch: io.fetch }).register();
    await mkdir(configDir, { recursive: true });
    await writeFile(tokenFile, `${identity.token}\n`, { mode: 0o600 });
    io.stderr(`Created a submitter identity; its token is saved in ${tokenFile}. Keep it.\n`);
    return new ApiClient({ baseUrl, token: identity.token, fetch: io.fetch });
  };
  const needId = () => {
    const id = rest[0];
    if (!id) throw new UsageError(`${command} needs a job id, e.g. spare-cycles ${command} <jobId>`);
    return id;
  };

  switch (command) {
    case 'register': {
      await register();
      return 0;
    }
    case 'submit': {
      const kernel = rest[0];
      if (!kernel) throw new UsageError('submit needs a kernel, e.g. spare-cycles submit matmul --params …');
      const job = await readJob(kernel, values, io.cwd);
      const client = api.token ? api : await register();
      const created = await client.createJob(job);
      io.stdout(`${created.jobId}\n`);
      io.stderr(`Submitted ${kernel} job ${created.jobId} (${created.shards} shards, ${job.visibility}).\n`);
      if (!values.watch) return 0;
      return watch(client, created.jobId, values, io);
    }
    case 'watch':
      return watch(api, needId(), values, io);
    case 'download': {
      await save(api, needId(), values.out, io);
      return 0;
    }
    case 'cancel': {
      const job = await api.cancelJob(needId());
      io.stdout(`${job.jobId} ${job.status}\n`);
      return 0;
    }
    case 'list': {
      for (const job of await api.listJobs()) {
        const { verified, total } = job.progress;
        io.stdout(
          `${job.jobId}  ${job.status.padEnd(9)}  ${job.kernel.padEnd(10)}  ${`${verified}/${total}`.padStart(9)}  ${job.visibility.padEnd(7)}  ${job.title ?? ''}\n`,
        );
      }
      return 0;
    }
    default:
      throw new UsageError(
        `unknown command "${command}"; use submit, watch, download, cancel, list or register`,
      );
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      params: { type: 'string' },
      input: { type: 'string', multiple: true },
      wgsl: { type: 'string' },
      title: { type: 'string' },
      replication: { type: 'string' },
      public: { type: 'boolean' },
      watch: { type: 'boolean' },
      out: { type: 'string' },
      interval: { type: 'string' },
    },
  });
}

type Values = ReturnType<typeof parse>['values'];

async function readJob(
  kernel: string,
  values: Values,
  cwd: string,
): Promise<JobFiles & { visibility: 'public' | 'private' }> {
  let params: Record<string, unknown> = {};
  if (values.params) {
    const text = values.params.startsWith('@')
      ? await readFile(path.resolve(cwd, values.params.slice(1)), 'utf8')
      : values.params;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`--params is not valid JSON (${error instanceof Error ? error.message : error})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new UsageError('--params must be a JSON object of kernel parameters');
    }
    params = value as Record<string, unknown>;
  }
  if (values.wgsl) params.code = await readFile(path.resolve(cwd, values.wgsl), 'utf8');
  const inputs: JobFiles['inputs'] = {};
  for (const spec of values.input ?? []) {
    const eq = spec.indexOf('=');
    const file = eq > 0 ? spec.slice(eq + 1) : spec;
    const name = eq > 0 ? spec.slice(0, eq) : path.basename(file).replace(/\.[^.]+$/, '');
    if (inputs[name]) throw new UsageError(`--input ${name} is given twice`);
    const full = path.resolve(cwd, file);
    inputs[name] = { bytes: new Uint8Array(await readFile(full)), filename: path.basename(full) };
  }
  let replication: JobFiles['replication'];
  if (values.replication) {
    const match = /^(\d+),(\d+)$/.exec(values.replication);
    if (!match) throw new UsageError('--replication must be min,max, e.g. 2,4');
    replication = { min: Number(match[1]), max: Number(match[2]) };
  }
  return {
    kernel,
    params,
    inputs,
    ...(replication ? { replication } : {}),
    ...(values.title ? { title: values.title } : {}),
    visibility: values.public ? 'public' : 'private',
  };
}

async function watch(api: ApiClient, jobId: string, values: Values, io: CliIo): Promise<number> {
  const interval = values.interval ? Number(values.interval) : 1000;
  if (!Number.isFinite(interval) || interval < 50)
    throw new UsageError('--interval must be at least 50 (ms)');
  const sleep = io.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let last = '';
  let job: JobSummary;
  for (;;) {
    job = await api.getJob(jobId);
    const line = progressLine(job);
    if (line !== last) {
      io.stderr(io.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
      last = line;
    }
    if (terminal.has(job.status)) break;
    await sleep(interval);
  }
  if (io.isTTY) io.stderr('\n');
  if (job.status !== 'completed') {
    io.stderr(`Job ${jobId} ${job.status}${job.error ? `: ${job.error}` : '.'}\n`);
    return 1;
  }
  if (values.out) await save(api, jobId, values.out, io);
  return 0;
}

async function save(api: ApiClient, jobId: string, out: string | undefined, io: CliIo): Promise<void> {
  const result = await api.downloadResult(jobId);
  let target = path.resolve(io.cwd, out ?? result.filename);
  if (out && (out.endsWith('/') || (await stat(target).catch(() => null))?.isDirectory())) {
    await mkdir(target, { recursive: true });
    target = path.join(target, result.filename);
  }
  await writeFile(target, result.bytes);
  io.stderr(`Saved ${result.bytes.byteLength} bytes (${result.contentType}) to ${target}\n`);
}
