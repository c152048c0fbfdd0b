// The browser half of the end-to-end test: a page on another origin that produces JSON records
// and reads them back through a consumer instance, with a bearer token, as a web app would.
// The test serves it with window.PROXY_CONFIG = { proxy, token } set, and reads window.outcome.

const V2 = "application/vnd.kafka.v2+json";
const V2_JSON = "application/vnd.kafka.json.v2+json";

async function call(url, init = {}) {
  try {
    const response = await fetch(url, init);
    const text = await response.text();
    return { status: response.status, body: text === "" ? null : JSON.parse(text) };
  } catch (error) {
    return { failed: String(error) };
  }
}

async function run({ proxy, token }) {
  const auth = { Authorization: `Bearer ${token}` };
  const outcome = {};
  outcome.withoutToken = await call(`${proxy}/topics`);
  outcome.produce = await call(`${proxy}/topics/clicks`, {
    method: "POST",
    headers: { ...auth, "Content-Type": V2_JSON, Accept: V2 },
    body: JSON.stringify({
      records: [
        { key: "visitor-1", value: { page: "/home", n: 1 } },
        { key: "visitor-2", value: { page: "/cart", n: 2 } },
      ],
    }),
  });
  outcome.forbidden = await call(`${proxy}/topics/payments`, {
    method: "POST",
    headers: { ...auth, "Content-Type": V2_JSON },
    body: JSON.stringify({ records: [{ value: { amount: 1 } }] }),
  });
  outcome.create = await call(`${proxy}/consumers/browser-group`, {
    method: "POST",
    headers: { ...auth, "Content-Type": V2 },
    body: JSON.stringify({ name: "tab-1", format: "json", "auto.offset.reset": "earliest" }),
  });
  const base = outcome.create.body?.base_uri;
  if (!base) return outcome;
  outcome.subscribe = await call(`${base}/subscription`, {
    method: "POST",
    headers: { ...auth, "Content-Type": V2 },
    body: JSON.stringify({ topics: ["clicks"] }),
  });
  outcome.records = [];
  for (let attempt = 0; attempt < 20 && outcome.records.length < 2; attempt++) {
    // A GET that carries a Kafka Content-Type, which makes the browser preflight it.
    const read = await call(`${base}/records?timeout=1000`, {
      headers: { ...auth, Accept: V2_JSON, "Content-Type": V2 },
    });
    if (read.status !== 200) {
      outcome.readError = read;
      break;
    }
    outcome.records.push(...read.body);
  }
  outcome.delete = await call(base, { method: "DELETE", headers: { ...auth, "Content-Type": V2 } });
  return outcome;
}

run(window.PROXY_CONFIG).then(
  (outcome) => {
    window.outcome = outcome;
  },
  (error) => {
    window.outcome = { crashed: String(error) };
  },
);
