/**
 * @module The Worker benchmark's baseline (bench/wrangler-baseline.toml): a bare Worker that reads
 * the request body to the end and answers a fixed produce response, doing no other work. Run
 * under `wrangler dev` next to the proxy's Worker, it shows what wrangler dev itself costs.
 */
const RESPONSE = JSON.stringify({
  offsets: [{ partition: 0, offset: 0, error_code: null, error: null }],
  key_schema_id: null,
  value_schema_id: null,
});

export default {
  async fetch(request: Request): Promise<Response> {
    await request.arrayBuffer();
    return new Response(RESPONSE, { headers: { "Content-Type": "application/vnd.kafka.v2+json" } });
  },
};
