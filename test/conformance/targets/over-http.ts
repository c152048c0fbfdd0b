import { request } from "node:http";
import type { ConformanceRequest, ConformanceResponse } from "../target.ts";

/**
 * One request to a proxy listening at `origin`, over a real socket. node:http rather than fetch(),
 * which refuses a GET body. For targets that are HTTP servers (Node, `wrangler dev`).
 */
export function requestOverHttp(
  origin: string,
  method: string,
  path: string,
  init: ConformanceRequest = {},
): Promise<ConformanceResponse> {
  return new Promise((resolve, reject) => {
    const body = init.body ?? "";
    const length = body === "" ? {} : { "Content-Length": Buffer.byteLength(body) };
    const req = request(`${origin}${path}`, { method, headers: { ...init.headers, ...length } });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
        }
        resolve({ status: res.statusCode ?? 0, headers, bodyText: Buffer.concat(chunks).toString() });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}
