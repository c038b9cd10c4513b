import { describe, expect, it } from 'vitest';
import type { VolunteerMe } from '@/lib/protocol/volunteers';
import type { VolunteerEvents } from '../volunteer/volunteer-client';
import { TypedEmitter } from '../volunteer/volunteer-emitter';
import type { WidgetMessage } from './embed-messages';
import { reportToHost } from './embed-reporter';

/** A stand-in for VolunteerClient's event surface, and a hand-driven clock with its timers. */
function setup() {
  const emitter = new TypedEmitter<VolunteerEvents>();
  const client = {
    shardsDone: 0,
    on: emitter.on.bind(emitter),
  };
  let now = 0;
  const timers: { at: number; run: () => void; id: number }[] = [];
  let nextId = 1;
  const posted: WidgetMessage[] = [];
  const off = reportToHost(client, {
    site: 'blog.example',
    post: (m) => posted.push(m),
    now: () => now,
    setTimer: (run, ms) => {
      const timer = { at: now + ms, run, id: nextId++ };
      timers.push(timer);
      return timer.id;
    },
    clearTimer: (id) => {
      const i = timers.findIndex((t) => t.id === id);
      if (i >= 0) timers.splice(i, 1);
    },
  });
  const advance = (ms: number) => {
    now += ms;
    for (const timer of timers.filter((t) => t.at <= now)) {
      timers.splice(timers.indexOf(timer), 1);
      timer.run();
    }
  };
  const shard = () => {
    client.shardsDone++;
    emitter.emit('shard', {
      leaseId: `l${client.shardsDone}`,
      jobId: 'j',
      shardId: 's',
      kernel: 'matmul',
      ms: 5,
      gpuMs: null,
      startedAt: now,
      finishedAt: now,
      workUnits: 0.5,
    });
  };
  const credit = (pending: number, verified: number): VolunteerMe => ({
    volunteerId: '00000000-0000-4000-8000-000000000000',
    site: 'blog.example',
    address: null,
    credit: { pending, verified },
    shardsDone: client.shardsDone,
    shardsRejected: 0,
    earnings: '0',
    balance: '0',
    reserved: '0',
    funds: null,
  });
  return { emitter, client, posted, advance, shard, credit, off, timers };
}

describe('reportToHost', () => {
  it('posts nothing before Donate, even as credit is read', () => {
    const t = setup();
    t.emitter.emit('credit', t.credit(0, 4));
    t.emitter.emit('throughput', { shardsPerSecond: 0, workPerSecond: 0, windowMs: 1 });
    t.advance(5000);
    expect(t.posted).toEqual([]);
  });

  it('posts started once running, progress at most once a second with the latest figures, then stopped', () => {
    const t = setup();
    t.emitter.emit('credit', t.credit(0, 4));
    t.emitter.emit('state', { state: 'starting', pauseReason: null });
    expect(t.posted).toEqual([]);
    t.emitter.emit('state', { state: 'running', pauseReason: null });
    expect(t.posted.map((m) => m.type)).toEqual(['started', 'progress']);
    expect(t.posted[0]).toEqual({
      source: 'spare-cycles',
      type: 'started',
      detail: { site: 'blog.example' },
    });
    expect(t.posted[1]!.detail).toEqual({
      site: 'blog.example',
      state: 'running',
      shardsDone: 0,
      shardsPerSecond: 0,
      workUnitsPerSecond: 0,
      credit: { pending: 0, verified: 4 },
    });

    // A burst of events within the second: one trailing message with the last figures.
    for (let i = 0; i < 5; i++) {
      t.advance(100);
      t.shard();
      t.emitter.emit('throughput', { shardsPerSecond: i + 1, workPerSecond: (i + 1) / 2, windowMs: 500 });
    }
    expect(t.posted).toHaveLength(2);
    t.advance(499);
    expect(t.posted).toHaveLength(2);
    t.advance(1);
    expect(t.posted).toHaveLength(3);
    expect(t.posted[2]!.detail).toMatchObject({ shardsDone: 5, shardsPerSecond: 5, workUnitsPerSecond: 2.5 });

    // Nothing changed: nothing posted.
    t.advance(2000);
    t.emitter.emit('throughput', { shardsPerSecond: 5, workPerSecond: 2.5, windowMs: 500 });
    expect(t.posted).toHaveLength(3);

    // Paused is progress too; a change right after the last post waits its second.
    t.emitter.emit('state', { state: 'paused', pauseReason: 'hidden' });
    expect(t.posted.at(-1)!.detail).toMatchObject({ state: 'paused' });
    t.emitter.emit('credit', t.credit(1.23456, 4));
    expect(t.posted).toHaveLength(4);

    // Stop cancels the pending progress and reports the last figures.
    t.emitter.emit('state', { state: 'stopped', pauseReason: null });
    t.advance(5000);
    expect(t.posted.map((m) => m.type)).toEqual(['started', 'progress', 'progress', 'progress', 'stopped']);
    expect(t.posted.at(-1)!.detail).toEqual({
      site: 'blog.example',
      reason: 'user',
      shardsDone: 5,
      credit: { pending: 1.235, verified: 4 },
    });

    // After Stop, late credit reads post nothing.
    t.emitter.emit('credit', t.credit(0, 9));
    t.advance(5000);
    expect(t.posted).toHaveLength(5);
  });

  it('reports a stop caused by a fatal error as such, and a later start afresh', () => {
    const t = setup();
    t.emitter.emit('state', { state: 'starting', pauseReason: null });
    t.emitter.emit('state', { state: 'running', pauseReason: null });
    t.emitter.emit('error', { kind: 'compute', message: 'device lost', fatal: true });
    t.emitter.emit('state', { state: 'stopped', pauseReason: null });
    expect(t.posted.at(-1)).toMatchObject({ type: 'stopped', detail: { reason: 'error' } });
    t.advance(2000);
    t.emitter.emit('state', { state: 'starting', pauseReason: null });
    t.emitter.emit('state', { state: 'running', pauseReason: null });
    t.emitter.emit('state', { state: 'stopped', pauseReason: null });
    expect(t.posted.map((m) => m.type)).toEqual([
      'started',
      'progress',
      'stopped',
      'started',
      'progress',
      'stopped',
    ]);
    expect(t.posted.at(-1)).toMatchObject({ type: 'stopped', detail: { reason: 'user' } });
  });

  it('posts nothing for a start that fails before running', () => {
    const t = setup();
    t.emitter.emit('state', { state: 'starting', pauseReason: null });
    t.emitter.emit('error', { kind: 'register', message: 'offline', fatal: true });
    t.emitter.emit('state', { state: 'stopped', pauseReason: null });
    expect(t.posted).toEqual([]);
  });

  it('unsubscribes and cancels a pending message', () => {
    const t = setup();
    t.emitter.emit('state', { state: 'running', pauseReason: null });
    t.shard();
    expect(t.timers).toHaveLength(1);
    t.off();
    expect(t.timers).toHaveLength(0);
    t.shard();
    t.emitter.emit('state', { state: 'stopped', pauseReason: null });
    t.advance(5000);
    expect(t.posted.map((m) => m.type)).toEqual(['started', 'progress']);
  });
});
