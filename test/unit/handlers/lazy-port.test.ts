import { describe, expect, it } from 'vitest';
import { lazyPort } from '../../../lambdas/handlers/ports/lazy-port.js';

interface Greeter {
  greet(name: string): Promise<string>;
  count(): Promise<number>;
}

class CountingGreeter implements Greeter {
  private calls = 0;
  async greet(name: string): Promise<string> {
    this.calls++;
    return `hello ${name}`;
  }
  async count(): Promise<number> {
    return this.calls;
  }
}

describe('lazyPort', () => {
  it('loads nothing until a method is called, then loads once for overlapping calls and forwards arguments and this', async () => {
    let loads = 0;
    const port = lazyPort<Greeter>(async () => {
      loads++;
      return new CountingGreeter();
    });
    expect(loads).toBe(0);
    expect(await Promise.all([port.greet('a'), port.greet('b')])).toEqual(['hello a', 'hello b']);
    expect(await port.count()).toBe(2);
    expect(loads).toBe(1);
  });

  it('retries the load on the next call after a failed one', async () => {
    let attempts = 0;
    const port = lazyPort<Greeter>(async () => {
      attempts++;
      if (attempts === 1) throw new Error('chunk not found');
      return new CountingGreeter();
    });
    await expect(port.greet('a')).rejects.toThrow('chunk not found');
    expect(await port.greet('b')).toBe('hello b');
    expect(attempts).toBe(2);
  });

  it('can be awaited as a value without loading (it is not a thenable)', async () => {
    let loads = 0;
    const port = lazyPort<Greeter>(async () => {
      loads++;
      return new CountingGreeter();
    });
    expect(await Promise.resolve(port)).toBe(port);
    expect(loads).toBe(0);
  });

  it('rejects a call to a method the loaded port lacks, naming it', async () => {
    const port = lazyPort<Greeter>(async () => ({ greet: async () => 'x' }) as unknown as Greeter);
    await expect(port.count()).rejects.toThrow(/no method count/);
  });
});
