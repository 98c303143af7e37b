import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSwaggerValidator, type SwaggerDocument } from './swagger-validator.js';

describe('createSwaggerValidator', () => {
  it('accepts valid shapes and names each wrong type, unknown field and bad int64', async () => {
    const spec = JSON.parse(
      await readFile(join(import.meta.dirname, 'testdata', 'argocd-swagger-definitions.json'), 'utf8'),
    ) as SwaggerDocument;
    const validate = createSwaggerValidator(spec);
    const app = {
      metadata: { name: 'a', generation: 1 },
      status: { health: { status: 'Healthy' }, history: [{ id: '3', revision: 'abc' }] },
    };
    expect(validate('v1alpha1Application', app)).toEqual([]);
    const broken = { metadata: { name: 'a', generation: 1.5 }, status: { health: { status: 5 }, histroy: [] } };
    expect(validate('v1alpha1Application', broken)).toEqual([
      'v1alpha1Application.metadata.generation: expected integer, got 1.5',
      'v1alpha1Application.status.health.status: expected string, got number',
      'v1alpha1Application.status.histroy: not declared in the schema',
    ]);
    // ResourceNode inherits the ResourceRef fields through allOf.
    expect(validate('v1alpha1ResourceNode', { kind: 'Pod', name: 'p', health: { status: 'Healthy' } })).toEqual([]);
  });
});
