import { ConfigError, parseConfig } from "../../src/config/index.ts";

/** The problems parseConfig names for an environment; [] when it parses. */
export function configProblems(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}
