import { describe, expect, it } from 'vitest';
import { describeDrift, driftedFields } from './drifted-fields.js';

describe('drifted fields of a unified diff', () => {
  it('reads a scalar field and an env var named by its list item, live against git', () => {
    const lines = [
      '--- live',
      '+++ desired',
      '@@ -5,7 +5,7 @@',
      ' spec:',
      '-  replicas: 4',
      '+  replicas: 2',
      '   selector:',
      '@@ -14,7 +14,7 @@',
      '       - env:',
      '         - name: LOG_LEVEL',
      '-          value: debug',
      '+          value: info',
      '         image: registry.example.com/shop/pricing:3.3.0',
    ];
    const fields = driftedFields(lines);
    expect(fields).toEqual([
      { field: 'replicas', live: '4', desired: '2' },
      { field: 'LOG_LEVEL', live: 'debug', desired: 'info' },
    ]);
    expect(describeDrift(fields)).toBe('replicas is 4 live, 2 in git; LOG_LEVEL is debug live, info in git');
  });

  it('reports no field when a line was only moved or a value is unchanged', () => {
    expect(driftedFields(['-  replicas: 2', '+  replicas: 2'])).toEqual([]);
    expect(driftedFields([' spec:', '   replicas: 2'])).toEqual([]);
  });

  it('keeps a generic key when no list item names it', () => {
    expect(driftedFields(['-    image: app:1.0', '+    image: app:1.1'])).toEqual([
      { field: 'image', live: 'app:1.0', desired: 'app:1.1' },
    ]);
  });
});
