import { describe, expect, it } from 'vitest';
import { UsageError } from '../command.js';
import { parseSeeds } from './eval.js';

describe('eval noise seeds', () => {
  it('runs without noise by default, one --noise-seed, or each of --seeds', () => {
    expect(parseSeeds({})).toEqual([0]);
    expect(parseSeeds({ 'noise-seed': '7' })).toEqual([7]);
    expect(parseSeeds({ seeds: '1, 2,3' })).toEqual([1, 2, 3]);
  });

  it('refuses both flags, repeated seeds and values that are not whole numbers', () => {
    expect(() => parseSeeds({ seeds: '1', 'noise-seed': '2' })).toThrow(UsageError);
    expect(() => parseSeeds({ seeds: '1,1' })).toThrow('--seeds must list distinct whole numbers');
    expect(() => parseSeeds({ seeds: '1,x' })).toThrow("--seeds must be a whole number, got 'x'");
    expect(() => parseSeeds({ 'noise-seed': '-3' })).toThrow(UsageError);
  });
});
