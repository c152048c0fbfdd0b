import { subscribeForTopicRead } from "../../core/consumers/lifecycle.ts";
import { read, recordsAccept, sendRecords } from "../confluent-v2/consumer-records.ts";
import { instanceOf } from "../confluent-v2/consumers.ts";
import type { Router } from "../http.ts";

/**
 * GET /consumers/{group}/instances/{instance}/topics/{topic}: the v1 read that subscribes the
 * instance to the topic on first use. Creation, commit and delete share the v2 routes, which
 * accept the v1 media types.
 */
export function registerV1ConsumerRoutes(router: Router): void {
  router.get("/consumers/:group/instances/:instance/topics/:topic", async (c) => {
    const accept = recordsAccept(c.req.header("accept"));
    const { group, name } = instanceOf(c);
    await subscribeForTopicRead(c.var.consumers, group, name, c.req.param("topic") ?? "");
    return sendRecords(c, await read(c, accept, group, name), accept.format ? accept.version : "v1");
  });
}
