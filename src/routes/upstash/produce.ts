import type { Context, Hono } from "hono";
import type { z } from "zod";
import type { OutgoingMessage } from "../../core/upstash/messages.ts";
import { produceMessages } from "../../core/upstash/produce.ts";
import { authorize } from "../../middleware/auth.ts";
import { limitRecords } from "../../middleware/record-limit.ts";
import type { AppEnv } from "../../types.ts";
import { body, messageBody, oneOrMany, parse } from "./bodies.ts";
import { badRequest } from "./errors.ts";

type MessageBody = z.output<typeof messageBody>;

function withTopic(messages: MessageBody[], pathTopic: string | undefined): OutgoingMessage[] {
  return messages.map((m, i) => {
    const topic = pathTopic ?? m.topic;
    if (topic === undefined) throw badRequest(`${i}.topic: is required (or name the topic in the path).`);
    if (pathTopic !== undefined && m.topic !== undefined && m.topic !== pathTopic) {
      throw badRequest(`${i}.topic: '${m.topic}' differs from the topic in the path, '${pathTopic}'.`);
    }
    return { ...m, topic };
  });
}

async function produce(c: Context<AppEnv>, pathTopic: string | undefined): Promise<Response> {
  const messages = (await body(c, oneOrMany(messageBody))) ?? [];
  if (messages.length === 0) throw badRequest("Nothing to produce: send a message or an array of messages.");
  const outgoing = withTopic(messages, pathTopic);
  limitRecords(c, outgoing.length);
  authorize(c, "produce", new Set(outgoing.map((m) => m.topic)));
  return c.json(await produceMessages(c.var.deps.backend, outgoing));
}

/** /produce, /produce/{topic} (a metadata array, in request order) and /produce/{topic}/{message}. */
export function registerUpstashProduce(app: Hono<AppEnv>): void {
  app.on(["GET", "POST"], "/produce", (c) => produce(c, undefined));
  app.on(["GET", "POST"], "/produce/:topic", (c) => produce(c, c.req.param("topic")));
  app.on(["GET", "POST"], "/produce/:topic/:message", async (c) => {
    const message = parse(messageBody, {
      topic: c.req.param("topic"),
      value: c.req.param("message"),
      key: c.req.query("key"),
    });
    const outgoing = withTopic([message], undefined);
    authorize(c, "produce", [outgoing[0].topic]);
    const [metadata] = await produceMessages(c.var.deps.backend, outgoing);
    return c.json(metadata);
  });
}
