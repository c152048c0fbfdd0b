import type { Context } from "hono";
import type { PartitionMetadata, TopicMetadata } from "../../backends/types.ts";
import { partitionNotFound, topicNotFound } from "../../errors.ts";
import { visibleTopics } from "../../middleware/auth.ts";
import { accepts, KAFKA_RESPONSE_TYPES } from "../../middleware/negotiate.ts";
import type { AppEnv } from "../../types.ts";
import { partitionParam, type Router, send } from "../http.ts";

function partitionBody(p: PartitionMetadata) {
  return {
    partition: p.partition,
    leader: p.leader,
    replicas: p.replicas.map((r) => ({ broker: r.broker, leader: r.leader, in_sync: r.inSync })),
  };
}

async function topicOf(c: Context<AppEnv>): Promise<TopicMetadata> {
  const name = c.req.param("topic") ?? "";
  const topic = await c.var.deps.backend.describeTopic(name);
  if (!topic) throw topicNotFound(name);
  return topic;
}

async function partitionOf(c: Context<AppEnv>): Promise<PartitionMetadata> {
  const topic = await topicOf(c);
  const number = partitionParam(c, topic.name);
  const partition = topic.partitions.find((p) => p.partition === number);
  if (!partition) throw partitionNotFound(topic.name, number);
  return partition;
}

/** GET /, /topics, /topics/{t}, partitions, partition offsets and /brokers. */
export function registerMetadataRoutes(router: Router): void {
  const negotiated = accepts(KAFKA_RESPONSE_TYPES);

  router.get("/", negotiated, (c) => send(c, {}));
  router.post("/", negotiated, (c) => send(c, {}));

  router.get("/topics", negotiated, async (c) => {
    const topics = await c.var.deps.backend.listTopics();
    return send(c, visibleTopics(c, topics));
  });

  router.get("/topics/:topic", negotiated, async (c) => {
    const topic = await topicOf(c);
    return send(c, {
      name: topic.name,
      configs: topic.configs,
      partitions: topic.partitions.map(partitionBody),
    });
  });

  router.get("/topics/:topic/partitions", negotiated, async (c) => {
    const topic = await topicOf(c);
    return send(c, topic.partitions.map(partitionBody));
  });

  router.get("/topics/:topic/partitions/:partition", negotiated, async (c) =>
    send(c, partitionBody(await partitionOf(c))),
  );

  router.get("/topics/:topic/partitions/:partition/offsets", negotiated, async (c) => {
    const { partition } = await partitionOf(c);
    const [offsets] = await c.var.deps.backend.partitionOffsets([
      { topic: c.req.param("topic") ?? "", partition },
    ]);
    return send(c, { beginning_offset: offsets.beginning, end_offset: offsets.end });
  });

  router.get("/brokers", negotiated, async (c) => {
    const cluster = await c.var.deps.backend.describeCluster();
    return send(c, { brokers: cluster.brokers.map((b) => b.id) });
  });
}
