// GET /api/v1/openapi.json — the API description, generated from the zod schemas
import { kernels } from '@/lib/kernels/registry';
import { buildOpenApi } from '@/lib/protocol/openapi';

export function GET(): Response {
  const params = Object.fromEntries(Object.values(kernels).map((k) => [k.name, k.paramsSchema]));
  return Response.json(buildOpenApi(params), { headers: { 'Cache-Control': 'public, max-age=300' } });
}
