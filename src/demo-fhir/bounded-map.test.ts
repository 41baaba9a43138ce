import { BoundedMap } from './bounded-map.js';

describe('BoundedMap', () => {
  it('keeps at most its limit, dropping the least recently used', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1); // a is now the most recently used
    map.set('c', 3);
    expect(map.size).toBe(2);
    expect(map.get('b')).toBeUndefined();
    expect(map.get('a')).toBe(1);
    expect(map.get('c')).toBe(3);
  });

  it('stays at its limit over many distinct keys', () => {
    const map = new BoundedMap<number, number>(16);
    for (let i = 0; i < 10_000; i++) map.set(i, i);
    expect(map.size).toBe(16);
    expect(map.get(9_999)).toBe(9_999);
    expect(map.get(9_983)).toBeUndefined();
  });
});
