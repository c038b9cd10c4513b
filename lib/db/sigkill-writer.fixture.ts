// Test fixture for durability.test.ts: writes volunteers one transaction at a time into the PGlite
// data directory given as argv[2] and prints "ack <id>" after each commit, until it is killed.
import { randomUUID } from 'node:crypto';
import { openDb } from './client';
import { volunteers } from './schema';

const handle = await openDb({ dataDir: process.argv[2]! });
for (let i = 0; ; i++) {
  const id = randomUUID();
  await handle.db.insert(volunteers).values({ id, tokenHash: `t${i}` });
  process.stdout.write(`ack ${id}\n`);
}
