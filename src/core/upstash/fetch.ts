import type { FetchPosition, KafkaBackend } from "../../backends/types.ts";
import { toUpstashMessage, type UpstashMessage } from "./messages.ts";

export interface FetchMessagesOptions {
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
}

/**
 * The stateless /fetch: records from each position, in the order the positions were given. Each
 * position's records start exactly at its offset (the client reads `found[0]` as the record at the
 * offset it asked for), and a record asked for twice is answered once.
 */
export async function fetchMessages(
  backend: KafkaBackend,
  positions: FetchPosition[],
  options: FetchMessagesOptions,
): Promise<UpstashMessage[]> {
  if (positions.length === 0) return [];
  const fetched = await backend.fetch(positions, {
    maxBytes: options.maxBytes,
    maxWaitMs: options.timeoutMs,
    signal: options.signal,
  });
  const seen = new Set<string>();
  const messages: UpstashMessage[] = [];
  for (const position of positions) {
    for (const partition of fetched) {
      if (partition.topic !== position.topic || partition.partition !== position.partition) continue;
      for (const record of partition.records) {
        const id = `${record.partition}:${record.offset}:${record.topic}`;
        if (record.offset < position.offset || seen.has(id)) continue;
        seen.add(id);
        messages.push(toUpstashMessage(record));
      }
    }
  }
  return messages;
}
