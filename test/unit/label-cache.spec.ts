import { LruCache } from '../../src/stream/render/lru-cache';

describe('LruCache (rendered labels)', () => {
  it('keeps at most `capacity` entries and drops the least recently used, telling onEvict', () => {
    const evicted: string[] = [];
    const cache = new LruCache<string, number>(2, (_value, key) => evicted.push(key));
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // 'a' is now the most recent: 'b' goes first
    cache.set('c', 3);
    expect(evicted).toEqual(['b']);
    expect(cache.size).toBe(2);
    expect(cache.has('b')).toBe(false);
    expect([cache.get('a'), cache.get('c')]).toEqual([1, 3]);
  });

  it('makes a value only on a miss', () => {
    const cache = new LruCache<string, { text: string }>(4);
    const make = jest.fn((text: string) => ({ text }));
    const first = cache.getOrCreate('Zoë', () => make('Zoë'));
    const again = cache.getOrCreate('Zoë', () => make('Zoë'));
    expect(again).toBe(first);
    expect(make).toHaveBeenCalledTimes(1);
  });

  it('stays bounded under a stream of distinct keys, releasing each value it drops exactly once', () => {
    const released = new Map<number, number>();
    const cache = new LruCache<number, number>(8, (value) => released.set(value, (released.get(value) ?? 0) + 1));
    for (let i = 0; i < 1000; i++) cache.getOrCreate(i, () => i);
    expect(cache.size).toBe(8);
    expect(released.size).toBe(992);
    expect([...released.values()].every((count) => count === 1)).toBe(true);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(released.size).toBe(1000);
  });

  it('releases a replaced value, but not a value set again under its own key', () => {
    const released: number[] = [];
    const cache = new LruCache<string, number>(2, (value) => released.push(value));
    cache.set('a', 1);
    cache.set('a', 1);
    cache.set('a', 2);
    expect(released).toEqual([1]);
    expect(cache.get('a')).toBe(2);
  });

  it('refuses a capacity that could not hold anything', () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
    expect(() => new LruCache(1.5)).toThrow(RangeError);
  });
});
