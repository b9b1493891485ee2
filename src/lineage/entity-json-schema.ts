import { zodToJsonSchema } from 'zod-to-json-schema';
import { entitySchema } from '../domain/provenance.js';

/**
 * The JSON Schema of a provenance entity, generated from its zod definition (as the HTTP
 * API's schemas are): docs/provenance.md shows it, and a test keeps the two equal.
 */
export function entityJsonSchema(): object {
  return zodToJsonSchema(entitySchema, { name: 'Entity', target: 'jsonSchema7' });
}
