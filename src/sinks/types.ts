/**
 * The sink port: where a sink run delivers its rows. One implementation (clickhouse.ts) speaks
 * ClickHouse's HTTP interface with the global fetch, so it runs on Node, Workers and Lambda.
 */

/** Which table on which server, and as whom. */
export interface SinkTarget {
  url: string;
  database: string;
  table: string;
  user: string;
  password: string;
}

export type SettingValue = string | number | boolean;

export interface InsertBatch {
  rows: Array<Record<string, unknown>>;
  /** Server settings for this insert; the adapter drops none silently, unknown ones fail it. */
  settings?: Record<string, SettingValue>;
  /**
   * Names the batch for server-side deduplication of retries. Sent only to servers that know
   * insert_deduplication_token (ClickHouse 22.2+); ignored for older ones.
   */
  deduplicationToken?: string;
  signal?: AbortSignal;
}

export interface InsertResult {
  rows: number;
  /** Size of the uncompressed body. */
  bytes: number;
  serverVersion: string;
  /** Whether the deduplication token was sent (the server supports it). */
  deduplicated: boolean;
}

export interface Sink {
  /** Short name for logs and stats: "clickhouse". */
  readonly name: string;
  /**
   * Inserts all rows as one statement, or throws SinkError having written nothing that the
   * server acknowledged. An empty batch sends nothing.
   */
  insert(target: SinkTarget, batch: InsertBatch): Promise<InsertResult>;
}

export interface SinkErrorOptions {
  /** Whether sending the identical batch again may succeed (server down, overloaded, timeout). */
  retriable: boolean;
  /** The server's own error code (ClickHouse `Code: N`), when it sent one. */
  serverCode?: number;
  /** The HTTP status, when there was a response. */
  status?: number;
  cause?: unknown;
}

/** A failed insert, classified for retry. */
export class SinkError extends Error {
  readonly retriable: boolean;
  readonly serverCode: number | undefined;
  readonly status: number | undefined;

  constructor(message: string, options: SinkErrorOptions) {
    super(message, { cause: options.cause });
    this.name = "SinkError";
    this.retriable = options.retriable;
    this.serverCode = options.serverCode;
    this.status = options.status;
  }
}
