// GET /api/v1/jobs/{id}/events — Server-Sent Events of progress until the job ends
import { getJob } from '@/lib/coordinator/jobs/get-job';
import { jobEventStream } from '@/lib/coordinator/jobs/job-event-stream';
import { getJobProgressHub } from '@/lib/coordinator/jobs/job-progress-hub';
import { getDb } from '@/lib/db/client';
import { withErrors } from '@/lib/http/api-response';
import { parseParam } from '@/lib/http/read-body';
import { metrics } from '@/lib/metrics/metrics';
import { jobIdSchema } from '@/lib/protocol/ids';

export const dynamic = 'force-dynamic';

const streamHeaders = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
};

export const GET = withErrors(async (request, context: { params: Promise<{ id: string }> }) => {
  const id = parseParam(jobIdSchema, (await context.params).id, 'id');
  const db = await getDb();
  await getJob(db, id); // 404 before the stream starts
  const stream = jobEventStream(getJobProgressHub(getDb), id, request.signal);
  // Counted open until the client goes or the job ends (the stream is then fully read).
  const { sseConnections } = metrics();
  sseConnections.inc();
  let open = true;
  const closed = () => {
    if (open) sseConnections.dec();
    open = false;
  };
  request.signal.addEventListener('abort', closed, { once: true });
  const counted = stream.pipeThrough(new TransformStream({ flush: closed }));
  return new Response(counted, { headers: streamHeaders });
});

/**
 * HEAD answers what GET would (404 for no job) without opening a stream: Next.js would otherwise
 * run GET and drop its body unread, and a stream nobody reads or aborts keeps its watcher, its
 * keep-alive timer and its place in the connection gauge for as long as the job runs.
 */
export const HEAD = withErrors(async (_request, context: { params: Promise<{ id: string }> }) => {
  const id = parseParam(jobIdSchema, (await context.params).id, 'id');
  await getJob(await getDb(), id);
  return new Response(null, { headers: streamHeaders });
});
