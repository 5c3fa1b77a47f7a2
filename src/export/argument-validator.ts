import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { JsonObject, JsonSchema } from '../domain.js';
import { normaliseInputSchema } from './tool-schema.js';

/** Why a reference call's arguments do not fit its tool's schema, or undefined when they do. */
export type ArgumentCheck = (tool: string, args: JsonObject) => string | undefined;

/**
 * Validates reference calls against the schemas the dataset publishes (normalised), compiled once
 * per tool in the dialect the server declared. MCP servers' schemas carry keywords Ajv does not
 * know (`title`, vendor extensions), so strict mode is off; `format` is not checked because the
 * formats package is not a dependency and formats are advisory in JSON Schema anyway. Each tool
 * gets its own Ajv instance, so two schemas sharing an `$id` cannot clash.
 */
export function argumentValidator(schemas: ReadonlyMap<string, JsonSchema>): ArgumentCheck {
  const compiled = new Map<string, ValidateFunction | string>();
  const options = { strict: false, validateFormats: false, allErrors: true, logger: false } as const;

  const compile = (tool: string): ValidateFunction | string => {
    const schema = schemas.get(tool);
    if (schema === undefined) return `the tool ${tool} is not among the server's tools`;
    const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
    const engine = dialect.includes('2020-12') ? new Ajv2020(options) : dialect.includes('2019-09') ? new Ajv2019(options) : new Ajv(options);
    try {
      return engine.compile(normaliseInputSchema(schema));
    } catch (error) {
      return `the input schema of ${tool} does not compile: ${error instanceof Error ? error.message : String(error)}`;
    }
  };

  return (tool, args) => {
    let validate = compiled.get(tool);
    if (validate === undefined) compiled.set(tool, (validate = compile(tool)));
    if (typeof validate === 'string') return validate;
    if (validate(args)) return undefined;
    return describeErrors(validate.errors ?? []);
  };
}

/** `arguments/names must be array; arguments must have required property 'x'`: short, and names the spot. */
function describeErrors(errors: ErrorObject[]): string {
  return errors.map((e) => `arguments${e.instancePath} ${e.message ?? 'is invalid'}`).join('; ');
}
