import { base64, type TestApp, V2, V2_BINARY } from "./app.ts";

/** Small drivers for the v2 consumer API over `app.request`, so tests read as scenarios. */
export function consumerApi(t: TestApp) {
  const json = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    t.request(path, {
      method,
      headers: { "Content-Type": V2, Accept: V2, ...headers },
      ...(body === undefined ? {} : { json: body }),
    });
  const path = (group: string, name: string) => `/consumers/${group}/instances/${name}`;
  return {
    create: (group: string, body: Record<string, unknown> = {}) => json("POST", `/consumers/${group}`, body),
    subscribe: (group: string, name: string, topics: string[]) =>
      json("POST", `${path(group, name)}/subscription`, { topics }),
    assign: (group: string, name: string, partitions: Array<{ topic: string; partition: number }>) =>
      json("POST", `${path(group, name)}/assignments`, { partitions }),
    assignments: async (group: string, name: string) =>
      ((await (await json("GET", `${path(group, name)}/assignments`)).json()).partitions ?? []) as Array<{
        topic: string;
        partition: number;
      }>,
    records: (group: string, name: string, query = "timeout=200", accept = V2_BINARY) =>
      t.request(`${path(group, name)}/records?${query}`, { headers: { Accept: accept } }),
    commit: (group: string, name: string, body?: unknown) =>
      json("POST", `${path(group, name)}/offsets`, body),
    committed: (group: string, name: string, partitions?: Array<{ topic: string; partition: number }>) =>
      json("GET", `${path(group, name)}/offsets`, partitions && { partitions }),
    seek: (group: string, name: string, suffix: string, body: unknown) =>
      json("POST", `${path(group, name)}/positions${suffix}`, body),
    remove: (group: string, name: string) => json("DELETE", path(group, name)),
    json,
    path,
  };
}

export async function produce(
  t: TestApp,
  topic: string,
  values: string[],
  partition?: number,
): Promise<void> {
  const res = await t.request(
    partition === undefined ? `/topics/${topic}` : `/topics/${topic}/partitions/${partition}`,
    {
      method: "POST",
      headers: { "Content-Type": V2_BINARY },
      json: { records: values.map((v) => ({ value: base64(v) })) },
    },
  );
  if (res.status !== 200) throw new Error(`produce failed: ${res.status} ${await res.text()}`);
}

export function values(records: Array<{ value: string }>): string[] {
  return records.map((r) => Buffer.from(r.value, "base64").toString());
}
