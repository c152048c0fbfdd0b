import { z } from "zod";
import type { FetchPosition, KafkaBackend, KafkaRecord } from "../../backends/types.ts";
import { fromBytes } from "../../core/records.ts";
import { ErrorCode, ProxyError, partitionNotFound, topicNotFound } from "../../errors.ts";
import {
  accepts,
  JSON_TYPE,
  KAFKA_JSON,
  KAFKA_V1_BINARY,
  KAFKA_V1_JSON,
  KAFKA_V1_JSON_JSON,
  KAFKA_V2_BINARY,
  KAFKA_V2_JSON,
  KAFKA_V2_JSON_JSON,
  readFormat,
} from "../../middleware/negotiate.ts";
import { partitionParam, type Router, send, validate } from "../http.ts";

/** Binary first: it is what a client gets when its Accept names no embedded format. */
const MESSAGE_TYPES = [
  KAFKA_V1_BINARY,
  KAFKA_V1_JSON_JSON,
  KAFKA_V1_JSON,
  KAFKA_JSON,
  KAFKA_V2_BINARY,
  KAFKA_V2_JSON_JSON,
  KAFKA_V2_JSON,
  JSON_TYPE,
] as const;

const MAX_COUNT = 10_000;
/** Per fetch: enough for many small records without pulling megabytes to return a few. */
const FETCH_BYTES = 1024 * 1024;

/** Up to `count` records from a position, fetching more while the partition has them. */
async function readUpTo(backend: KafkaBackend, start: FetchPosition, count: number): Promise<KafkaRecord[]> {
  const out: KafkaRecord[] = [];
  let offset = start.offset;
  while (out.length < count) {
    const [fetched] = await backend.fetch([{ ...start, offset }], { maxBytes: FETCH_BYTES, maxWaitMs: 0 });
    const fresh = fetched.records.filter((r) => r.offset >= offset);
    if (fresh.length === 0) break;
    out.push(...fresh.slice(0, count - out.length));
    offset = fresh[fresh.length - 1].offset + 1;
  }
  return out;
}

export const offsetOrTimestamp = z
  .object({
    offset: z.string().regex(/^\d+$/, "must be a non-negative integer").transform(Number).optional(),
    timestamp: z.iso.datetime({ offset: true, message: "must be an ISO-8601 date-time" }).optional(),
    count: z
      .string()
      .regex(/^\d+$/, "must be a positive integer")
      .transform(Number)
      .pipe(z.number().min(1, "must be a positive integer").max(MAX_COUNT, `must be at most ${MAX_COUNT}`))
      .default(1),
  })
  .refine((q) => (q.offset === undefined) !== (q.timestamp === undefined), {
    message: "Either `offset` or `timestamp` query parameters must be set.",
  });

/** GET /topics/{topic}/partitions/{partition}/messages — the stateless v1 read older clients call. */
export function registerMessagesRoute(router: Router): void {
  router.get("/topics/:topic/partitions/:partition/messages", accepts(MESSAGE_TYPES), async (c) => {
    const { backend } = c.var.deps;
    const topic = c.req.param("topic") ?? "";
    const partition = partitionParam(c, topic);
    let query: z.output<typeof offsetOrTimestamp>;
    try {
      query = validate(offsetOrTimestamp, c.req.query());
    } catch (error) {
      // A query string is not an entity: Confluent answered bad parameters with 400, not 422.
      throw new ProxyError(ErrorCode.BAD_REQUEST, (error as Error).message);
    }
    const metadata = await backend.describeTopic(topic);
    if (!metadata) throw topicNotFound(topic);
    if (!metadata.partitions.some((p) => p.partition === partition))
      throw partitionNotFound(topic, partition);

    let offset = query.offset;
    if (offset === undefined) {
      const [found] = await backend.offsetsForTimes([
        { topic, partition, timestamp: Date.parse(query.timestamp ?? "") },
      ]);
      if (found.offset === null) return send(c, []);
      offset = found.offset;
    }
    const records = await readUpTo(backend, { topic, partition, offset }, query.count);
    const format = readFormat(c.var.responseType);
    return send(
      c,
      records.map((r) => ({
        key: fromBytes(format, r.key),
        value: fromBytes(format, r.value),
        partition: r.partition,
        offset: r.offset,
      })),
    );
  });
}
