// GET /api/v1/health — liveness with no database work: the baseline for throughput ratios
export const dynamic = 'force-dynamic';

export function GET(): Response {
  return Response.json({ ok: true }, { headers: { 'Cache-Control': 'no-store' } });
}
