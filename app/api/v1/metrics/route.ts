// GET /api/v1/metrics — Prometheus metrics for operators (Bearer ADMIN_TOKEN)
import { authorizeEpochAdmin } from '@/lib/coordinator/rewards/authorize-epoch-admin';
import { env } from '@/lib/env';
import { withErrors } from '@/lib/http/api-response';
import { metrics } from '@/lib/metrics/metrics';

export const dynamic = 'force-dynamic';

export const GET = withErrors(async (request) => {
  authorizeEpochAdmin(request.headers.get('authorization'), env().ADMIN_TOKEN);
  const { registry, scrape } = metrics();
  return new Response(await scrape(), {
    headers: { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' },
  });
});
