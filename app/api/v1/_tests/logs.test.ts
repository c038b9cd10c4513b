import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createJob } from '@/lib/coordinator/jobs/create-job';
import { safeError } from '@/lib/log/safe-error';
import { backend, testDbForFile } from './harness';

const testDb = testDbForFile();

describe(`what a 500 logs (${backend})`, () => {
  it('names the failed query’s reason, never its SQL parameters (the submitter’s job data)', async () => {
    const secretTitle = `secret-title-${randomUUID()}`;
    let thrown: unknown;
    try {
      // An owner that does not exist: the insert fails with every job column bound as a parameter.
      await createJob(testDb.db, {
        ownerId: randomUUID(),
        kernel: 'hashsearch',
        params: { prefix: 'c0ffee', difficulty: 4, nonceStart: '0', nonceCount: 64 },
        inputs: {},
        title: secretTitle,
      });
    } catch (error) {
      thrown = error;
    }
    expect(String((thrown as Error).message)).toContain(secretTitle); // the raw error does carry it…
    const logged = JSON.stringify(safeError(thrown));
    expect(logged).not.toContain(secretTitle); // …what is logged does not
    expect(logged).not.toContain('c0ffee');
    expect(logged).not.toContain('insert into');
    expect(safeError(thrown).message).toMatch(/^database query failed: .*foreign key/);
  });
});
