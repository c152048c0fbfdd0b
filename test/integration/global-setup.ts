/**
 * Global setup of the integration project: a real Kafka broker for the tests. KAFKA_BROKERS, when
 * set, points at an existing cluster and nothing is started; otherwise the shared test broker of
 * scripts/kafka.sh is started (or reused) and stopped at the end if this run started it.
 */
import type { TestProject } from "vitest/node";
import { leaseSharedBroker } from "./kafka-broker.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Bootstrap brokers as host:port[,host:port...]. */
    kafkaBrokers: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const given = process.env.KAFKA_BROKERS?.trim();
  if (given) {
    project.provide("kafkaBrokers", given);
    return undefined;
  }
  const lease = await leaseSharedBroker();
  project.provide("kafkaBrokers", lease.brokers);
  return () => lease.release();
}
