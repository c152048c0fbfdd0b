/**
 * What the conformance suite needs from a deployment target: a way to send one HTTP request to a
 * freshly started proxy (in-memory backend and state store, default settings) and see exactly what
 * came back. GET requests may carry a body (Confluent's `GET .../offsets`).
 */

export interface ConformanceRequest {
  headers?: Record<string, string>;
  body?: string;
}

export interface ConformanceResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  bodyText: string;
}

export interface ConformanceTarget {
  /** The origin clients reach the proxy at: consumer `base_uri` must start with it. */
  origin: string;
  request(method: string, path: string, init?: ConformanceRequest): Promise<ConformanceResponse>;
  stop(): Promise<void>;
}

export interface TargetFactory {
  /** Shown in the test names, e.g. "node", "lambda (HTTP API)". */
  name: string;
  start(): Promise<ConformanceTarget>;
}
