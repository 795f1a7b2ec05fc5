import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../functions/core/runtime/clock.ts';
import { JournaledQueue } from '../../functions/local/journaled-queue.ts';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cairn-journal-'));
  file = join(dir, 'ingest-queue.jsonl');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const open = (clock: VirtualClock, deadLetters: string[] = []) =>
  new JournaledQueue('ingest', clock, file, { onDeadLetter: (m) => deadLetters.push(m.body) });

describe('JournaledQueue', () => {
  it('gives back, after a restart, every message put and not deleted, delayed ones with the delay they had left', () => {
    // Prepare
    const clock = new VirtualClock(Date.parse('2026-11-02T10:00:00Z'));
    const before = open(clock);
    before.send('handled');
    before.send('in flight');
    before.send('later', 60);
    before.send('waiting');
    const received = before.receive(2);
    before.settle(received.slice(0, 1), new Set());

    // Act: the process dies (nothing closed); a new one opens the same file 10 s later.
    clock.advanceTo(clock.now() + 10_000);
    const after = open(clock);

    // Assess
    expect(after.depth).toBe(3);
    const visible = after.receive(10);
    expect(visible.map((m) => m.body)).toEqual(['in flight', 'waiting']);
    after.settle(visible, new Set());
    expect(after.nextVisibleAt()).toBe(clock.now() + 50_000);
  });

  it('forgets messages moved to the dead letters', () => {
    // Prepare
    const clock = new VirtualClock(0);
    const deadLetters: string[] = [];
    const queue = new JournaledQueue('ingest', clock, file, {
      maxReceiveCount: 1,
      onDeadLetter: (m) => deadLetters.push(m.body),
    });
    queue.send('poison');

    // Act
    const [message] = queue.receive(1);
    if (!message) throw new Error('no message');
    queue.settle([message], new Set([message.messageId]));

    // Assess
    expect(deadLetters).toEqual(['poison']);
    expect(open(new VirtualClock(0)).depth).toBe(0);
  });

  it('skips a last line cut short by a crash, and names the line of a damaged journal', () => {
    // Prepare
    const clock = new VirtualClock(0);
    open(clock).send('kept');
    appendFileSync(file, '{"s":"ingest-2","b":"cut sh');

    // Act
    const reopened = open(clock);
    writeFileSync(file, `not json\n${readFileSync(file, 'utf8')}`);

    // Assess
    expect(reopened.receive(10).map((m) => m.body)).toEqual(['kept']);
    expect(() => open(clock)).toThrow(
      `${file}:1: not a queue journal line; move the file away to start empty`,
    );
  });

  it('compacts its journal so that it does not grow with every message ever put', () => {
    // Prepare
    const clock = new VirtualClock(0);
    const queue = open(clock);

    // Act: 12,000 messages put and handled, one left.
    for (let i = 0; i < 12_000; i++) {
      queue.send(`m${i}`);
      queue.settle(queue.receive(1), new Set());
    }
    queue.send('last');

    // Assess
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    expect(lines.length).toBeLessThan(10_002);
    expect(
      open(clock)
        .receive(10)
        .map((m) => m.body),
    ).toEqual(['last']);
  });
});
