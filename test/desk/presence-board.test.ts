// Presence bookkeeping, pure: consoles here, reports from other processes that lapse, and what
// counts as a change.
import { describe, expect, it } from 'vitest';
import { PresenceBoard } from '../../src/desk/presence/board.ts';

const T0 = new Date('2026-03-02T01:00:00.000Z');
const at = (ms: number): Date => new Date(T0.getTime() + ms);

describe('presence board', () => {
  it('makes a connected agent online unless their console asked for away or offline', () => {
    const board = new PresenceBoard(60_000);
    expect(board.statusOf('mina', T0).status).toBe('offline');
    board.connect('mina', undefined);
    expect(board.statusOf('mina', T0).status).toBe('online');
    board.connect('joon', 'away');
    expect(board.statusOf('joon', T0).status).toBe('away');
    expect(board.choose('joon', 'offline')).toBe(true);
    expect(board.statusOf('joon', T0).status).toBe('offline');
    // No console here: nothing to choose for.
    expect(board.choose('tom', 'online')).toBe(false);
  });

  it('keeps the agent on while any of their consoles is open', () => {
    const board = new PresenceBoard(60_000);
    board.connect('mina', undefined);
    board.connect('mina', undefined);
    board.disconnect('mina');
    expect(board.statusOf('mina', T0).status).toBe('online');
    board.disconnect('mina');
    expect(board.statusOf('mina', T0).status).toBe('offline');
    expect(board.isConnectedHere('mina')).toBe(false);
  });

  it('believes another process for as long as its report holds, the most available report winning', () => {
    const board = new PresenceBoard(60_000);
    board.heard({ origin: 'p2', agentId: 'mina', status: 'away' }, T0.getTime());
    board.heard({ origin: 'p3', agentId: 'mina', status: 'online' }, T0.getTime());
    expect(board.statusOf('mina', at(59_999)).status).toBe('online');
    board.heard({ origin: 'p3', agentId: 'mina', status: null }, at(1000).getTime());
    expect(board.statusOf('mina', at(1000)).status).toBe('away');
    // p2 died: its report lapses.
    expect(board.statusOf('mina', at(60_000)).status).toBe('offline');
    expect(board.expire(at(60_000).getTime())).toEqual(['mina']);
  });

  it('lets a choice made on another process change the consoles here, but not a repeat', () => {
    const board = new PresenceBoard(60_000);
    board.connect('mina', undefined);
    board.heard({ origin: 'p2', agentId: 'mina', status: 'away' }, T0.getTime());
    expect(board.local()).toEqual([{ agentId: 'mina', status: 'online' }]);
    board.heard({ origin: 'p2', agentId: 'mina', status: 'away', chose: true }, T0.getTime());
    expect(board.local()).toEqual([{ agentId: 'mina', status: 'away' }]);
  });

  it('reports a change once, with since when', () => {
    const board = new PresenceBoard(60_000);
    expect(board.settle('mina', T0)).toBeNull();
    board.connect('mina', undefined);
    expect(board.settle('mina', at(5000))).toEqual({ before: 'offline', after: 'online' });
    expect(board.settle('mina', at(6000))).toBeNull();
    expect(board.statusOf('mina', at(9000))).toEqual({ status: 'online', since: at(5000).toISOString() });
    board.choose('mina', 'away');
    expect(board.settle('mina', at(7000))).toEqual({ before: 'online', after: 'away' });
  });
});
