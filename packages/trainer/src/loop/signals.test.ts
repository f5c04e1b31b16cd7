import { describe, expect, it } from 'vitest';
import { parseStopMessage, StopRequests, signalExitCode } from './signals.js';

describe('signals', () => {
  it('maps a stop signal to 128 + signo', () => {
    expect(signalExitCode('SIGINT')).toBe(130);
    expect(signalExitCode('SIGTERM')).toBe(143);
  });

  it('classifies a first request, a repeat within the window and a later or different signal', () => {
    const r = new StopRequests(3000);
    expect(r.requested).toBe(false);
    expect(r.classify('SIGINT', 0)).toBe('request');
    expect(r.requested).toBe(true);
    expect(r.classify('SIGINT', 2999)).toBe('repeat');
    expect(r.classify('SIGINT', 3000)).toBe('now');
    expect(new StopRequests(3000).classify('SIGTERM', 0)).toBe('request');
    const d = new StopRequests(3000);
    d.classify('SIGINT', 0);
    expect(d.classify('SIGTERM', 1)).toBe('now');
  });

  it('reads only the launcher stop messages', () => {
    expect(parseStopMessage({ type: 'bigs-stop', signal: 'SIGINT' })).toEqual({
      type: 'bigs-stop',
      signal: 'SIGINT',
    });
    expect(parseStopMessage({ type: 'bigs-stop-now', signal: 'x' })).toEqual({
      type: 'bigs-stop-now',
      signal: 'SIGTERM',
    });
    expect(parseStopMessage({ type: 'other' })).toBeNull();
    expect(parseStopMessage(null)).toBeNull();
  });
});
