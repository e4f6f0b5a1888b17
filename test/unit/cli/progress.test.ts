import { Progress } from '../../../src/cli/progress';
import { FakeClock } from '../../fake/clock';

describe('Progress', () => {
  it('without a terminal: only one line per finished step, no spinner, no control characters', () => {
    let text = '';
    const p = new Progress((t) => (text += t), false, new FakeClock());
    p.working('auditing us-east-1');
    p.done('audited us-east-1: 15 ok');
    p.stop();
    expect(text).toBe('audited us-east-1: 15 ok\n');
  });

  it('on a terminal: a spinner line, cleared before each finished line and drawn again; stop clears it', () => {
    const writes: string[] = [];
    const p = new Progress((t) => writes.push(t), true, new FakeClock());
    p.working('auditing us-east-1');
    p.done('audited us-east-1: 15 ok');
    p.stop();
    expect(writes).toEqual(['\r| auditing us-east-1\u001b[K', '\r\u001b[K', 'audited us-east-1: 15 ok\n', '\r/ auditing us-east-1\u001b[K', '\r\u001b[K']);
  });

  it('since() counts on the injected clock', () => {
    const clock = new FakeClock(10_000);
    const p = new Progress(() => undefined, false, clock);
    clock.advance(3_400);
    expect(p.since(10_000)).toBe('3s');
  });
});
