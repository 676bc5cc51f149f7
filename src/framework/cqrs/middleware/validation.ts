import type { Validator } from 'typebox/compile';
import type { TSchema } from 'typebox';
import type { AppError } from '../../errors/index.ts';
import { validationError } from '../../http/problem.ts';
import type { CommandMiddleware } from '../command-bus.ts';

type SchemaError = { keyword: string; instancePath: string; params: Record<string, unknown>; message?: string };

/** TypeBox's errors in the shape the HTTP edge already maps to stable `validation.*` codes. */
function toAjvShape(errors: readonly SchemaError[]): SchemaError[] {
  const hasAdditional = errors.some((e) => e.keyword === 'additionalProperties');
  return errors.flatMap((error): SchemaError[] => {
    if (error.keyword === 'boolean' && hasAdditional) return [];
    if (error.keyword === 'required' && Array.isArray(error.params.requiredProperties)) {
      return error.params.requiredProperties.map((missingProperty) => ({ ...error, params: { missingProperty } }));
    }
    if (error.keyword === 'additionalProperties' && Array.isArray(error.params.additionalProperties)) {
      return error.params.additionalProperties.map((additionalProperty) => ({ ...error, params: { additionalProperty } }));
    }
    return [error];
  });
}

const validators = new WeakMap<TSchema, Validator>();
// Loaded on the first validation, not at import: every `acci` command and server start imports
// this file, and the compiler is a large module graph.
let compiler: Promise<typeof import('typebox/compile')> | undefined;

/**
 * Checks a payload against a TypeBox schema; throws the same 400 `validation.*` AppError
 * (with per-field details) as an invalid HTTP body.
 *
 * @example
 *   await validatePayload(Type.Object({ title: Type.String() }), { title: 1 }); // rejects with validation.invalid_type
 */
export async function validatePayload(schema: TSchema, payload: unknown): Promise<void> {
  let validator = validators.get(schema);
  if (!validator) {
    const { Compile } = await (compiler ??= import('typebox/compile'));
    validator = Compile(schema);
    validators.set(schema, validator);
  }
  if (validator.Check(payload)) return;
  const error: AppError = validationError(toAjvShape(validator.Errors(payload) as SchemaError[]), 'payload');
  throw error;
}

/**
 * Validates every command's payload against its registered schema before authorization runs.
 *
 * @example
 *   createCommandBus({ middleware: [loggingMiddleware(...), validationMiddleware(), ...] });
 */
export function validationMiddleware(): CommandMiddleware {
  return {
    name: 'validation',
    async handle(execution, next) {
      await validatePayload(execution.registration.schema, execution.command.payload);
      return next(execution);
    },
  };
}
