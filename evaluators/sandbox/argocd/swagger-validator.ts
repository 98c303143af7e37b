/**
 * A small Swagger 2.0 schema checker: resolves `#/definitions/...` refs and `allOf`, checks
 * types (int64 may be a number or a numeric string, as grpc-gateway emits), required fields, and
 * rejects properties a definition does not declare, so a misspelt field in the fake is caught.
 */

interface SchemaNode {
  $ref?: string;
  type?: string;
  format?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  allOf?: SchemaNode[];
  required?: string[];
  enum?: unknown[];
}

/** A Swagger document (only `definitions` is used). */
export interface SwaggerDocument {
  definitions: Record<string, SchemaNode>;
}

/** Validates `value` against definition `name`; returns problems as `path: message` (empty = valid). */
export type SwaggerValidator = (name: string, value: unknown) => string[];

export function createSwaggerValidator(document: SwaggerDocument): SwaggerValidator {
  const resolve = (node: SchemaNode): SchemaNode => {
    let current = node;
    const seen = new Set<string>();
    while (current.$ref) {
      const name = current.$ref.replace('#/definitions/', '');
      if (seen.has(name)) throw new Error(`circular $ref ${name}`);
      seen.add(name);
      const target = document.definitions[name];
      if (!target) throw new Error(`unknown $ref ${current.$ref}`);
      current = target;
    }
    if (!current.allOf) return current;
    const parts = [current, ...current.allOf.map(resolve)];
    return {
      type: 'object',
      properties: Object.assign({}, ...parts.map((part) => part.properties ?? {})) as Record<string, SchemaNode>,
      required: parts.flatMap((part) => part.required ?? []),
    };
  };

  const check = (node: SchemaNode, value: unknown, path: string, out: string[]): void => {
    const schema = resolve(node);
    if (value === null || value === undefined) return;
    if (schema.enum && !schema.enum.includes(value))
      out.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
    const type = schema.type ?? (schema.properties ? 'object' : undefined);
    switch (type) {
      case 'object': {
        if (typeof value !== 'object' || Array.isArray(value)) {
          out.push(`${path}: expected object, got ${Array.isArray(value) ? 'array' : typeof value}`);
          return;
        }
        const record = value as Record<string, unknown>;
        for (const key of schema.required ?? []) if (!(key in record)) out.push(`${path}.${key}: required`);
        for (const [key, item] of Object.entries(record)) {
          const property = schema.properties?.[key];
          if (property) check(property, item, `${path}.${key}`, out);
          else if (typeof schema.additionalProperties === 'object')
            check(schema.additionalProperties, item, `${path}.${key}`, out);
          else if (schema.properties && schema.additionalProperties !== true)
            out.push(`${path}.${key}: not declared in the schema`);
        }
        return;
      }
      case 'array':
        if (!Array.isArray(value)) {
          out.push(`${path}: expected array, got ${typeof value}`);
          return;
        }
        value.forEach((item, index) => check(schema.items ?? {}, item, `${path}[${index}]`, out));
        return;
      case 'string':
        if (typeof value !== 'string') out.push(`${path}: expected string, got ${typeof value}`);
        return;
      case 'boolean':
        if (typeof value !== 'boolean') out.push(`${path}: expected boolean, got ${typeof value}`);
        return;
      case 'integer': {
        const isInteger =
          typeof value === 'number'
            ? Number.isInteger(value)
            : schema.format === 'int64' && typeof value === 'string' && /^-?\d+$/.test(value);
        if (!isInteger) out.push(`${path}: expected integer, got ${JSON.stringify(value)}`);
        return;
      }
      case 'number':
        if (typeof value !== 'number') out.push(`${path}: expected number, got ${typeof value}`);
        return;
      default:
        return;
    }
  };

  return (name, value) => {
    const root = document.definitions[name];
    if (!root) throw new Error(`no definition named ${name}`);
    const out: string[] = [];
    check(root, value, name, out);
    return out;
  };
}
