import { z } from 'zod';
import { siweNonceResponseSchema, siweVerifyRequestSchema, siweVerifyResponseSchema } from './auth';
import { jobActivitySchema } from './job-activity';
import {
  createJobRequestSchema,
  createJobResponseSchema,
  jobListResponseSchema,
  jobSummarySchema,
} from './jobs';
import {
  leaseErrorReportSchema,
  leaseReleaseResponseSchema,
  leaseRequestSchema,
  leaseResponseSchema,
} from './leases';
import { batchResultResponseSchema, resultResponseSchema } from './results';
import {
  closeEpochResponseSchema,
  epochListResponseSchema,
  grantRequestSchema,
  grantResponseSchema,
  publicConfigSchema,
  rewardsResponseSchema,
  withdrawalRequestSchema,
  withdrawalResponseSchema,
} from './rewards';
import { volunteerHistorySchema } from './volunteer-history';
import {
  registerVolunteerRequestSchema,
  registerVolunteerResponseSchema,
  volunteerMeResponseSchema,
} from './volunteers';

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string().describe('snake_case, from a closed list (see docs/api.md)'),
    message: z.string().describe('what to fix'),
    field: z.string().optional().describe('the dotted path of the field to fix, when there is one'),
    missing: z
      .string()
      .optional()
      .describe('insufficient_funds: token units missing from the balance (decimal string)'),
    required: z.string().optional().describe('insufficient_funds: what the job would reserve, token units'),
    balance: z.string().optional().describe('insufficient_funds: the spendable balance, token units'),
    remaining: z.string().optional().describe('grant_cap_exceeded: what may still be granted this epoch'),
  }),
});

type Schemas = Record<string, z.ZodType>;

const schemas: Schemas = {
  Error: errorBodySchema,
  RegisterVolunteerRequest: registerVolunteerRequestSchema,
  RegisterVolunteerResponse: registerVolunteerResponseSchema,
  VolunteerMe: volunteerMeResponseSchema,
  VolunteerHistory: volunteerHistorySchema,
  JobActivity: jobActivitySchema,
  LeaseRequest: leaseRequestSchema,
  LeaseResponse: leaseResponseSchema,
  LeaseErrorReportRequest: leaseErrorReportSchema,
  LeaseReleaseResponse: leaseReleaseResponseSchema,
  ResultResponse: resultResponseSchema,
  BatchResultResponse: batchResultResponseSchema,
  CreateJobRequest: createJobRequestSchema,
  CreateJobResponse: createJobResponseSchema,
  Job: jobSummarySchema,
  JobList: jobListResponseSchema,
  PublicConfig: publicConfigSchema,
  SiweNonceResponse: siweNonceResponseSchema,
  SiweVerifyRequest: siweVerifyRequestSchema,
  SiweVerifyResponse: siweVerifyResponseSchema,
  CloseEpochResponse: closeEpochResponseSchema,
  EpochList: epochListResponseSchema,
  Rewards: rewardsResponseSchema,
  GrantRequest: grantRequestSchema,
  GrantResponse: grantResponseSchema,
  WithdrawalRequest: withdrawalRequestSchema,
  WithdrawalResponse: withdrawalResponseSchema,
};

const ref = (name: keyof typeof schemas & string) => ({ $ref: `#/components/schemas/${name}` });
const jsonBody = (name: string) => ({
  required: true,
  content: { 'application/json': { schema: ref(name) } },
});
const jsonAnswer = (description: string, name: string) => ({
  description,
  content: { 'application/json': { schema: ref(name) } },
});
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), jsonAnswer('error: {error: {code, message}}', 'Error')]));
const bearer = [{ bearer: [] }];
const idParam = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});

/**
 * The OpenAPI 3.1 description of API v1, generated from the same zod schemas the route handlers
 * parse with, plus each kernel's params schema, so it cannot drift from the code.
 */
export function buildOpenApi(kernelParams: Record<string, z.ZodType>): Record<string, unknown> {
  const components: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    components[name] = z.toJSONSchema(schema, {
      io: name.endsWith('Request') ? 'input' : 'output',
      unrepresentable: 'any',
    });
  }
  for (const [kernel, schema] of Object.entries(kernelParams)) {
    components[`${kernel}Params`] = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Spare Cycles API',
      version: '1',
      description:
        'Volunteer protocol, jobs and rewards. Errors are always {error: {code, message}}. See docs/api.md.',
    },
    components: {
      schemas: components,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'token from POST /api/v1/volunteers' },
      },
    },
    paths: {
      '/api/v1/volunteers': {
        post: {
          summary: 'Register an anonymous volunteer',
          requestBody: jsonBody('RegisterVolunteerRequest'),
          responses: {
            '201': jsonAnswer('the volunteer and its Bearer token', 'RegisterVolunteerResponse'),
            ...errors(400, 413, 429),
          },
        },
      },
      '/api/v1/volunteers/me': {
        get: {
          summary: "The caller's credit (work units), counts, earnings and balance (token units)",
          security: bearer,
          responses: { '200': jsonAnswer('credit, counts and money', 'VolunteerMe'), ...errors(401) },
        },
      },
      '/api/v1/volunteers/me/history': {
        get: {
          summary: "The caller's verified credit per UTC day, last 30 days",
          security: bearer,
          responses: { '200': jsonAnswer('credit per day', 'VolunteerHistory'), ...errors(401) },
        },
      },
      '/api/v1/leases': {
        post: {
          summary: 'Lease up to `max` shards',
          security: bearer,
          requestBody: jsonBody('LeaseRequest'),
          responses: {
            '200': jsonAnswer('leases, or none with retryAfterMs', 'LeaseResponse'),
            ...errors(400, 401, 413),
          },
        },
      },
      '/api/v1/leases/{leaseId}': {
        delete: {
          summary: 'Hand an unfinished lease back (the shard is offered again at once)',
          security: bearer,
          parameters: [idParam('leaseId', 'the lease')],
          responses: { '200': jsonAnswer('the lease state', 'LeaseReleaseResponse'), ...errors(401, 404) },
        },
      },
      '/api/v1/leases/{leaseId}/error': {
        post: {
          summary: 'Report that computing the shard failed; releases the lease and counts against the shard',
          security: bearer,
          parameters: [idParam('leaseId', 'the lease')],
          requestBody: jsonBody('LeaseErrorReportRequest'),
          responses: {
            '200': jsonAnswer('the lease state', 'LeaseReleaseResponse'),
            ...errors(400, 401, 404, 413),
          },
        },
      },
      '/api/v1/leases/{leaseId}/result': {
        put: {
          summary: 'Submit one result as raw bytes',
          security: bearer,
          parameters: [idParam('leaseId', 'the lease')],
          requestBody: {
            required: true,
            content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
          },
          responses: {
            '202': jsonAnswer('accepted; status pending, valid or invalid', 'ResultResponse'),
            ...errors(400, 401, 404, 409, 410, 413),
          },
        },
      },
      '/api/v1/results': {
        post: {
          summary: 'Submit many results: multipart, one file part per lease named by its leaseId',
          security: bearer,
          requestBody: {
            required: true,
            content: {
              'multipart/form-data': {
                schema: { type: 'object', additionalProperties: { type: 'string', format: 'binary' } },
              },
            },
          },
          responses: {
            '200': jsonAnswer('one answer per part', 'BatchResultResponse'),
            ...errors(400, 401, 413, 415),
          },
        },
      },
      '/api/v1/blobs/{sha256}': {
        get: {
          summary:
            "Immutable content-addressed bytes. A public job's: to anyone (cached immutable). A private job's: to its submitter (Bearer) and to the holder of a live lease whose shard needs them (`?lease=`, as in the lease's input URL); 404 to anyone else",
          parameters: [
            idParam('sha256', 'hex SHA-256 of the bytes'),
            {
              name: 'lease',
              in: 'query',
              description: 'a live lease id whose shard needs the blob',
              schema: { type: 'string', format: 'uuid' },
            },
          ],
          responses: {
            '200': { description: 'the bytes', content: { 'application/octet-stream': {} } },
            ...errors(400, 401, 404),
          },
        },
      },
      '/api/v1/jobs': {
        get: {
          summary: 'Recent jobs',
          parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 } }],
          responses: { '200': jsonAnswer('jobs, newest first', 'JobList'), ...errors(400) },
        },
        post: {
          summary:
            'Submit a job (JSON with base64 inputs, or multipart with a `job` part and one file part per input)',
          security: bearer,
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: ref('CreateJobRequest') },
              'multipart/form-data': { schema: { type: 'object', properties: { job: { type: 'string' } } } },
            },
          },
          responses: {
            '201': jsonAnswer('the job id and its shard count', 'CreateJobResponse'),
            ...errors(400, 401, 402, 413, 415),
          },
        },
      },
      '/api/v1/jobs/{id}': {
        get: {
          summary: 'Status and progress',
          parameters: [idParam('id', 'the job')],
          responses: { '200': jsonAnswer('the job', 'Job'), ...errors(400, 404) },
        },
        delete: {
          summary: 'Cancel (owner only)',
          security: bearer,
          parameters: [idParam('id', 'the job')],
          responses: { '200': jsonAnswer('the cancelled job', 'Job'), ...errors(400, 401, 403, 404, 409) },
        },
      },
      '/api/v1/jobs/{id}/activity': {
        get: {
          summary: 'What the job waits for: volunteers donating now, the queue, its quorum',
          parameters: [idParam('id', 'the job')],
          responses: { '200': jsonAnswer('activity', 'JobActivity'), ...errors(400, 404) },
        },
      },
      '/api/v1/jobs/{id}/events': {
        get: {
          summary: 'Server-Sent Events: `progress` (a Job) on change, then `end`',
          parameters: [idParam('id', 'the job')],
          responses: {
            '200': { description: 'text/event-stream', content: { 'text/event-stream': {} } },
            ...errors(400, 404),
          },
        },
      },
      '/api/v1/jobs/{id}/result': {
        get: {
          summary:
            "The assembled, verified output (409 until completed, 410 after retention); a private job's only with its submitter's Bearer token",
          parameters: [idParam('id', 'the job')],
          responses: {
            '200': { description: 'the output file (.npy, JSON or PNG per kernel)' },
            ...errors(400, 401, 403, 404, 409, 410),
          },
        },
      },
      '/api/v1/health': {
        get: { summary: 'Liveness, no database work', responses: { '200': { description: '{ok: true}' } } },
      },
      '/api/v1/config': {
        get: {
          summary: 'Public chain settings for the browser',
          responses: {
            '200': {
              description: 'chain id, RPC URL, token and distributor addresses (null until configured)',
            },
          },
        },
      },
      '/api/v1/auth/nonce': {
        get: {
          summary: 'A single-use Sign-In with Ethereum nonce for the Bearer volunteer',
          security: bearer,
          responses: {
            '200': jsonAnswer('the nonce and its expiry', 'SiweNonceResponse'),
            ...errors(401, 503),
          },
        },
      },
      '/api/v1/auth/verify': {
        post: {
          summary: 'Verify an EIP-4361 message and signature; links the Bearer volunteer to the address',
          security: bearer,
          requestBody: jsonBody('SiweVerifyRequest'),
          responses: {
            '200': jsonAnswer('the linked address', 'SiweVerifyResponse'),
            ...errors(400, 401, 409, 413, 503),
          },
        },
      },
      '/api/v1/epochs': {
        get: {
          summary: 'Published epochs with roots, totals and every leaf (recompute any root yourself)',
          parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1 } }],
          responses: { '200': jsonAnswer('epochs, newest first', 'EpochList'), ...errors(400) },
        },
        post: {
          summary: 'Close an epoch now (Bearer ADMIN_TOKEN): build and publish the root',
          security: bearer,
          responses: { '200': jsonAnswer('the epoch', 'CloseEpochResponse'), ...errors(401, 403, 409, 503) },
        },
      },
      '/api/v1/metrics': {
        get: {
          summary:
            'Prometheus metrics for operators (Bearer ADMIN_TOKEN): leases, results by verdict, validation backlog, jobs by state, epoch publish latency, SSE connections',
          security: bearer,
          responses: { '200': { description: 'Prometheus text format' }, ...errors(401, 403) },
        },
      },
      '/api/v1/rewards/{address}': {
        get: {
          summary:
            'Cumulative earnings and withdrawals in token units, Merkle proof, root, contracts and what is claimed on chain',
          parameters: [idParam('address', '0x-prefixed 20-byte address')],
          responses: { '200': jsonAnswer('rewards of the address', 'Rewards'), ...errors(400) },
        },
      },
      '/api/v1/grants': {
        post: {
          summary:
            'Grant balance to an account (Bearer ADMIN_TOKEN): minted with the next root, within a per-epoch cap',
          security: bearer,
          requestBody: jsonBody('GrantRequest'),
          responses: { '201': jsonAnswer('the grant', 'GrantResponse'), ...errors(400, 401, 403, 409, 413) },
        },
      },
      '/api/v1/withdrawals': {
        post: {
          summary: "Move unreserved balance to what the caller's linked wallet can claim (next epoch)",
          security: bearer,
          requestBody: jsonBody('WithdrawalRequest'),
          responses: {
            '201': jsonAnswer('the withdrawal', 'WithdrawalResponse'),
            ...errors(400, 401, 402, 409, 413),
          },
        },
      },
      '/api/v1/openapi.json': {
        get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } },
      },
    },
  };
}
