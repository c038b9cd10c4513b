import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inArray } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { openDb } from './client';
import { volunteers } from './schema';

it('loses no acknowledged PGlite commit when the server process is SIGKILLed', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sc-durability-'));
  try {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(import.meta.dirname, 'sigkill-writer.fixture.ts'), dir],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const acked: string[] = [];
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) if (line.startsWith('ack ')) acked.push(line.slice(4));
        if (acked.length >= 40 && child.exitCode === null) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', (code, signal) => {
        if (signal !== 'SIGKILL') reject(new Error(`writer exited early: ${code}`));
      });
    });
    await new Promise((r) => child.once('close', r));

    const handle = await openDb({ dataDir: dir });
    try {
      const rows = await handle.db
        .select({ id: volunteers.id })
        .from(volunteers)
        .where(inArray(volunteers.id, acked));
      expect(rows.length).toBe(acked.length);
    } finally {
      await handle.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
