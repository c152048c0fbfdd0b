import type { Context } from "hono";
import { z } from "zod";
import type { ClusterMetadata, TopicMetadata } from "../../backends/types.ts";
import { ErrorCode, ProxyError, topicNotFound } from "../../errors.ts";
import { authorize, visibleTopics } from "../../middleware/auth.ts";
import { accepts, JSON_TYPE, requireContentType } from "../../middleware/negotiate.ts";
import type { AppEnv } from "../../types.ts";
import { type Router, readJson, send, validate } from "../http.ts";

export const createTopicRequest = z.strictObject({
  topic_name: z.string({ message: "topic_name is required" }),
  partitions_count: z.number().int().optional(),
  replication_factor: z.number().int().optional(),
  configs: z.array(z.strictObject({ name: z.string(), value: z.string().nullable() })).optional(),
  validate_only: z.boolean().optional(),
});

function related(url: string) {
  return { related: url };
}

function clusterBody(base: string, cluster: ClusterMetadata) {
  const self = `${base}/v3/clusters/${cluster.clusterId}`;
  return {
    kind: "KafkaCluster",
    metadata: { self, resource_name: `crn:///kafka=${cluster.clusterId}` },
    cluster_id: cluster.clusterId,
    controller: related(`${self}/brokers/${cluster.controllerId}`),
    acls: related(`${self}/acls`),
    brokers: related(`${self}/brokers`),
    broker_configs: related(`${self}/broker-configs`),
    consumer_groups: related(`${self}/consumer-groups`),
    topics: related(`${self}/topics`),
    partition_reassignments: related(`${self}/topics/-/partitions/-/reassignment`),
  };
}

function topicBody(base: string, clusterId: string, topic: TopicMetadata) {
  const self = `${base}/v3/clusters/${clusterId}/topics/${topic.name}`;
  return {
    kind: "KafkaTopic",
    metadata: { self, resource_name: `crn:///kafka=${clusterId}/topic=${topic.name}` },
    cluster_id: clusterId,
    topic_name: topic.name,
    is_internal: topic.internal,
    replication_factor: topic.partitions[0]?.replicas.length ?? 0,
    partitions_count: topic.partitions.length,
    partitions: related(`${self}/partitions`),
    configs: related(`${self}/configs`),
    partition_reassignments: related(`${self}/partitions/-/reassignment`),
  };
}

function baseUrl(c: Context<AppEnv>): string {
  return new URL(c.req.url).origin;
}

/** The cluster named in the path; v3 answers 404 for any other id. */
async function clusterOf(c: Context<AppEnv>): Promise<ClusterMetadata> {
  const cluster = await c.var.deps.backend.describeCluster();
  const id = c.req.param("cluster_id");
  if (id !== undefined && id !== cluster.clusterId) {
    throw new ProxyError(ErrorCode.NOT_FOUND, `Cluster ${id} cannot be found.`);
  }
  return cluster;
}

/** The minimal v3 admin: clusters, and topics listed, created, described and deleted. */
export function registerV3TopicRoutes(router: Router): void {
  const negotiated = accepts([JSON_TYPE]);

  router.get("/v3/clusters", negotiated, async (c) => {
    const cluster = await clusterOf(c);
    const base = baseUrl(c);
    return send(c, {
      kind: "KafkaClusterList",
      metadata: { self: `${base}/v3/clusters`, next: null },
      data: [clusterBody(base, cluster)],
    });
  });

  router.get("/v3/clusters/:cluster_id", negotiated, async (c) =>
    send(c, clusterBody(baseUrl(c), await clusterOf(c))),
  );

  router.get("/v3/clusters/:cluster_id/topics", negotiated, async (c) => {
    const { clusterId } = await clusterOf(c);
    const { backend } = c.var.deps;
    const base = baseUrl(c);
    const topics = await Promise.all(
      visibleTopics(c, await backend.listTopics()).map((name) => backend.describeTopic(name)),
    );
    return send(c, {
      kind: "KafkaTopicList",
      metadata: { self: `${base}/v3/clusters/${clusterId}/topics`, next: null },
      data: topics.flatMap((t) => (t ? [topicBody(base, clusterId, t)] : [])),
    });
  });

  router.post("/v3/clusters/:cluster_id/topics", negotiated, async (c) => {
    const { clusterId } = await clusterOf(c);
    requireContentType(c.req.header("content-type"), [JSON_TYPE]);
    const body = await readJson(c);
    if (body === undefined) {
      throw new ProxyError(
        ErrorCode.UNPROCESSABLE,
        "Payload error. Request body is empty. Data is required.",
      );
    }
    const request = validate(createTopicRequest, body);
    authorize(c, "admin", [request.topic_name]);
    const configs = Object.fromEntries(
      (request.configs ?? []).flatMap(({ name, value }) => (value === null ? [] : [[name, value]])),
    );
    const topic = await c.var.deps.backend.createTopic({
      topic: request.topic_name,
      partitions: request.partitions_count ?? c.var.deps.config.defaultPartitions,
      replicationFactor: request.replication_factor,
      configs,
      validateOnly: request.validate_only,
    });
    return send(c, topicBody(baseUrl(c), clusterId, topic), request.validate_only ? 200 : 201);
  });

  router.get("/v3/clusters/:cluster_id/topics/:topic", negotiated, async (c) => {
    const { clusterId } = await clusterOf(c);
    const name = c.req.param("topic") ?? "";
    const topic = await c.var.deps.backend.describeTopic(name);
    if (!topic) throw topicNotFound(name);
    return send(c, topicBody(baseUrl(c), clusterId, topic));
  });

  router.delete("/v3/clusters/:cluster_id/topics/:topic", negotiated, async (c) => {
    await clusterOf(c);
    await c.var.deps.backend.deleteTopic(c.req.param("topic") ?? "");
    return c.body(null, 204);
  });
}
