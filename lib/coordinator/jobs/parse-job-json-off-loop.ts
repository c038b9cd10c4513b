import { ApiError } from '../../errors';
import { type JobJsonParser, parseJobJson } from '../../http/decode-job-request';
import { getCpuPool, isCpuBudgetError } from '../pipeline/cpu-pool';
import type { ParseJobJsonOutcome } from '../pipeline/cpu-tasks';

/** Bodies up to this size are parsed on the event loop: a worker thread's round trip costs more. */
const inlineMaxBytes = 64 * 1024;
/** Most time a job request's JSON may take to parse and check (a worker thread's memory budget too). */
export const parseJobJsonBudgetMs = 5_000;

/**
 * `decodeJobRequest`'s parser for the server: a large JSON body (or multipart `job` part) is parsed
 * and checked in a CPU pool thread, so 90 MB of JSON cannot hold the event loop for seconds; one
 * that needs more than the budget is a 400 naming it.
 */
export const parseJobJsonOffLoop: JobJsonParser = async (bytes, form) => {
  if (bytes.byteLength <= inlineMaxBytes) return parseJobJson(bytes, form);
  let outcome: ParseJobJsonOutcome;
  try {
    outcome = await getCpuPool().run(
      'parseJobRequestJson',
      { bytes, form },
      { timeoutMs: parseJobJsonBudgetMs },
    );
  } catch (error) {
    if (!isCpuBudgetError(error)) throw error;
    const field = form === 'job' ? 'job' : 'body';
    throw new ApiError(
      'invalid_request',
      `${field}: reading this JSON needs more than the limit of ${parseJobJsonBudgetMs} ms (or of its memory budget); send large inputs as multipart file parts, not as JSON.`,
      field,
    );
  }
  if (!outcome.ok) throw new ApiError(outcome.code, outcome.message, outcome.field);
  return outcome.job;
};
