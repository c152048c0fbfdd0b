/**
 * @module Cloudflare Workers entry (wrangler.toml `main`): the fetch handler, the scheduled handler
 * (Cron Trigger: runs the sinks) and the Durable Object class its state store uses. workerd takes every export of this module as a handler or a class,
 * so nothing else is exported here.
 */
import { createWorker } from "./cloudflare-worker.ts";

export { ConsumerGroupDO } from "../src/state/durable-object.ts";

export default createWorker();
