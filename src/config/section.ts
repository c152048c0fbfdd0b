import { z } from "zod";

/**
 * One area's settings: their zod schemas by variable name, the cross-setting checks, which
 * values must never be echoed, and how the parsed values become that area's part of Config.
 * config/index.ts composes the sections; each area keeps its settings in its own file.
 */
export interface Section<S extends z.ZodRawShape, C> {
  settings: S;
  secrets?: readonly string[];
  /** Problems involving several settings, judged on the raw (present, non-empty) values. */
  problems?(present: Record<string, string | undefined>): string[];
  build(env: z.output<z.ZodObject<S>>): C;
}

export function section<S extends z.ZodRawShape, C>(definition: Section<S, C>): Section<S, C> {
  return definition;
}

export const integer = (name: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(
      z.number().int().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`),
    );

export const boolean = (name: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => ["true", "false", "1", "0", "yes", "no"].includes(v), {
      message: `${name} must be true or false`,
    })
    .transform((v) => v === "true" || v === "1" || v === "yes");

/** A lower-cased value from a fixed list, with a message listing the choices. */
export const choice = <const T extends readonly [string, ...string[]]>(name: string, values: T) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(values, { message: `${name} must be one of: ${values.join(", ")}` }));
