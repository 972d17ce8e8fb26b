import { describe, expect, it } from 'vitest';
import { ownedByPeople, SESSION_MODES, transition, type ModeEvent, type SessionMode } from '../../src/conversation/session-mode.ts';

const next = (mode: SessionMode, event: ModeEvent) => {
  const moved = transition(mode, event);
  return moved.ok ? moved.mode : `refused: ${moved.message}`;
};

describe('the session mode machine', () => {
  it('goes bot -> queued -> agent -> bot in business hours', () => {
    expect(next('bot', { type: 'handoff', open: true })).toBe('queued');
    expect(next('queued', { type: 'claimed' })).toBe('agent');
    expect(next('agent', { type: 'released' })).toBe('queued');
    expect(next('agent', { type: 'handed_back' })).toBe('bot');
    expect(next('agent', { type: 'resolved' })).toBe('bot');
  });

  it('after hours waits for the shopper\'s message, then the bot carries on', () => {
    expect(next('bot', { type: 'handoff', open: false })).toBe('offline_message');
    expect(next('offline_message', { type: 'message_left' })).toBe('bot');
    expect(next('offline_message', { type: 'back_to_bot' })).toBe('bot');
    // Asking again once people are back queues the conversation.
    expect(next('offline_message', { type: 'handoff', open: true })).toBe('queued');
    // The next morning an agent takes the message's ticket.
    expect(next('bot', { type: 'claimed' })).toBe('agent');
  });

  it('refuses moves that make no sense, naming the mode and the event', () => {
    expect(next('bot', { type: 'message_left' })).toBe("refused: a session in mode 'bot' cannot take 'message_left'");
    expect(next('agent', { type: 'message_left' })).toBe("refused: a session in mode 'agent' cannot take 'message_left'");
    expect(next('offline_message', { type: 'released' })).toMatch(/^refused/);
  });

  it('leaves the conversation to people only while queued or with an agent', () => {
    expect(SESSION_MODES.filter(ownedByPeople)).toEqual(['queued', 'agent']);
  });
});
