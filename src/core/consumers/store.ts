import { ErrorCode, ProxyError } from "../../errors.ts";
import { stateKeys } from "../../state/types.ts";
import type { ConsumerContext } from "./context.ts";
import type { ConsumerInstance } from "./model.ts";

export interface LoadedInstance {
  instance: ConsumerInstance;
  version: number;
}

/** How often a compare-and-set loop retries before giving up on a very busy instance. */
const MAX_CONFLICTS = 50;

export function instanceNotFound(): ProxyError {
  return new ProxyError(ErrorCode.CONSUMER_INSTANCE_NOT_FOUND, "Consumer instance not found.");
}

export async function findInstance(
  ctx: ConsumerContext,
  group: string,
  name: string,
): Promise<LoadedInstance | undefined> {
  const stored = await ctx.store.get(stateKeys.consumer(group, name));
  return stored && { instance: JSON.parse(stored.value) as ConsumerInstance, version: stored.version };
}

export async function loadInstance(
  ctx: ConsumerContext,
  group: string,
  name: string,
): Promise<LoadedInstance> {
  const loaded = await findInstance(ctx, group, name);
  if (!loaded || loaded.instance.owner !== ctx.principal) throw instanceNotFound();
  return loaded;
}

export async function listGroup(ctx: ConsumerContext, group: string): Promise<ConsumerInstance[]> {
  const entries = await ctx.store.list(stateKeys.consumerGroupPrefix(group));
  return entries.map((e) => JSON.parse(e.value) as ConsumerInstance);
}

/**
 * Writes the instance if nobody else wrote it since `version` (null: only if it does not exist),
 * renewing its idle timeout. False when another write came first.
 */
export async function saveInstance(
  ctx: ConsumerContext,
  instance: ConsumerInstance,
  version: number | null,
): Promise<boolean> {
  instance.lastSeen = ctx.now();
  const result = await ctx.store.compareAndSet(
    stateKeys.consumer(instance.group, instance.name),
    version,
    JSON.stringify(instance),
    { ttlMs: ctx.options.instanceTimeoutMs },
  );
  return result.ok;
}

/**
 * Read-modify-write of one instance under compare-and-set: `change` runs on a fresh copy, and
 * again on the newer state whenever another process wrote in between. Its result is returned.
 */
export async function updateInstance<T>(
  ctx: ConsumerContext,
  group: string,
  name: string,
  change: (instance: ConsumerInstance) => Promise<T> | T,
): Promise<T> {
  for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
    const { instance, version } = await loadInstance(ctx, group, name);
    const result = await change(instance);
    if (await saveInstance(ctx, instance, version)) return result;
  }
  throw new ProxyError(
    ErrorCode.KAFKA_RETRIABLE_ERROR,
    "Consumer instance is being changed by too many requests at once; retry.",
  );
}

/** Renews the idle timeout when it is at least a tenth spent, so reads-only calls stay cheap. */
export async function touchInstance(ctx: ConsumerContext, loaded: LoadedInstance): Promise<void> {
  if (ctx.now() - loaded.instance.lastSeen < ctx.options.instanceTimeoutMs / 10) return;
  await saveInstance(ctx, loaded.instance, loaded.version);
}
