// GET /api/v1/config — public settings the browser needs
import { getPublicConfig } from '@/lib/coordinator/get-public-config';
import { json, withErrors } from '@/lib/http/api-response';

export const dynamic = 'force-dynamic';

export const GET = withErrors(async () => json(await getPublicConfig()));
