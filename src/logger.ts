import type { LogLevel } from "./config/index.ts";

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  return { name: error.name, message: error.message, stack: error.stack, cause: serializeError(error.cause) };
}

/** Structured logs: one JSON object per line, written through `write` (console.log by default). */
export function createJsonLogger(level: LogLevel, write: (line: string) => void = console.log): Logger {
  const at =
    (name: Exclude<LogLevel, "silent">) =>
    (message: string, fields: LogFields = {}) => {
      if (RANK[name] < RANK[level]) return;
      const entry: LogFields = { time: new Date().toISOString(), level: name, msg: message, ...fields };
      if ("error" in entry) entry.error = serializeError(entry.error);
      write(JSON.stringify(entry));
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
