import type { Context } from "hono";
import { ErrorCode, ProxyError } from "../errors.ts";
import type { AppEnv } from "../types.ts";

/** 422 before anything is written when a produce request carries more than MAX_RECORDS_PER_REQUEST. */
export function limitRecords(c: Context<AppEnv>, count: number): void {
  const max = c.var.deps.config.maxRecordsPerRequest;
  if (count <= max) return;
  throw new ProxyError(
    ErrorCode.UNPROCESSABLE,
    `records: at most ${max} records per request (MAX_RECORDS_PER_REQUEST); got ${count}. Split the batch.`,
  );
}
