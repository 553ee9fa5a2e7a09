import { describe, expect, it } from 'vitest';
import { captureLogs } from '../../test/unit/webhook/logCapture.js';
import type { Leadership } from './leadership.js';
import { startRunnables, type Runnable } from './runnables.js';

function fakeLeadership(leading: boolean): Leadership & { set(leading: boolean): void } {
  const listeners: ((leading: boolean) => void)[] = [];
  return {
    isLeader: () => leading,
    onChange: (listener) => void listeners.push(listener),
    stop: async () => undefined,
    set(next) {
      leading = next;
      for (const listener of listeners) listener(next);
    },
  };
}

function recorded(name: string, leaderOnly: boolean, events: string[], stopDelayMs = 0): Runnable {
  return {
    name,
    leaderOnly,
    start: () => void events.push(`${name} start`),
    stop: async () => {
      events.push(`${name} stopping`);
      await new Promise((resolve) => setTimeout(resolve, stopDelayMs));
      events.push(`${name} stopped`);
    },
  };
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 30));

describe('startRunnables', () => {
  it('runs every-replica loops at once and leader-only loops only while leading', async () => {
    const events: string[] = [];
    const leadership = fakeLeadership(false);
    const loops = startRunnables([recorded('scan', false, events), recorded('drift', true, events)], leadership, captureLogs().logger);
    await settle();
    expect(events).toEqual(['scan start']);
    leadership.set(true);
    await settle();
    expect(events).toEqual(['scan start', 'drift start']);
    leadership.set(false);
    await settle();
    expect(events.slice(2)).toEqual(['drift stopping', 'drift stopped']);
    await loops.stop();
    expect(events.slice(4)).toEqual(['scan stopping', 'scan stopped']);
  });

  it('lets a stop wind down before the next start, and starts nothing once shutdown began', async () => {
    const events: string[] = [];
    const leadership = fakeLeadership(true);
    const loops = startRunnables([recorded('drift', true, events, 20)], leadership, captureLogs().logger);
    await settle();
    leadership.set(false);
    leadership.set(true);
    await settle();
    expect(events).toEqual(['drift start', 'drift stopping', 'drift stopped', 'drift start']);
    const stopping = loops.stop();
    leadership.set(true);
    await stopping;
    await settle();
    expect(events.slice(4)).toEqual(['drift stopping', 'drift stopped']);
  });

  it('logs a loop that fails to start and keeps the others', async () => {
    const events: string[] = [];
    const logs = captureLogs('info');
    const broken: Runnable = {
      name: 'broken',
      leaderOnly: false,
      start: () => {
        throw new Error('no informer');
      },
      stop: async () => undefined,
    };
    const loops = startRunnables([broken, recorded('scan', false, events)], fakeLeadership(true), logs.logger);
    await settle();
    expect(events).toEqual(['scan start']);
    expect(logs.lines.some((l) => l.includes('broken: start failed') && l.includes('no informer'))).toBe(true);
    await loops.stop();
  });
});
