import { ErrorCode, ProxyError } from "../../errors.ts";
import { errorHandler } from "../../middleware/error-handler.ts";
import { upstashRefusal } from "../../middleware/upstash-envelope.ts";

/** The dialect's error handler; 5xx are logged with the request id, like the Confluent routes'. */
export const handleUpstashError = errorHandler(upstashRefusal);

export function badRequest(message: string): ProxyError {
  return new ProxyError(ErrorCode.BAD_REQUEST, message);
}
