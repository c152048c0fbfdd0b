/**
 * The interactive documentation page: one self-contained HTML document (no CDN, no fonts, works
 * offline) that loads openapi.json from beside itself, lists every operation with its
 * parameters, bodies and response schemas, and sends requests from a "Try it" form. Everything
 * from the document is inserted as text, never as HTML.
 */
export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kafka-edge-proxy API</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1rem 1.5rem; color: #1d2430; }
  h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #d8dde6; }
  header p { margin-top: 0; color: #555; }
  .toolbar { display: flex; gap: 1rem; flex-wrap: wrap; margin: 1rem 0; }
  .toolbar input { padding: 0.35rem 0.5rem; min-width: 18rem; }
  details.op { border: 1px solid #d8dde6; border-radius: 6px; margin: 0.4rem 0; }
  details.op > summary { cursor: pointer; padding: 0.45rem 0.6rem; list-style: none; display: flex; gap: 0.7rem; align-items: baseline; }
  .method { font: bold 12px monospace; text-transform: uppercase; color: #fff; padding: 0.15rem 0.45rem; border-radius: 4px; min-width: 3.5rem; text-align: center; }
  .get { background: #2f6fd1; } .post { background: #1f8a4c; } .delete { background: #c23b32; } .put { background: #a66a00; }
  .path { font-family: monospace; font-weight: 600; } .summary { color: #555; }
  .body { padding: 0 0.9rem 0.9rem; }
  table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: 0.25rem 0.4rem; border-bottom: 1px solid #eef0f4; vertical-align: top; }
  pre { background: #f5f7fa; padding: 0.6rem; overflow: auto; max-height: 22rem; font-size: 12.5px; }
  textarea { width: 100%; min-height: 6rem; font-family: monospace; }
  .try input[type=text] { width: 100%; box-sizing: border-box; }
  button { padding: 0.35rem 0.9rem; cursor: pointer; }
  .status { font-weight: bold; } .hidden { display: none; }
</style>
</head>
<body>
<header><h1 id="title">kafka-edge-proxy API</h1><p id="description">Loading openapi.json…</p></header>
<div class="toolbar">
  <input id="filter" type="search" placeholder="Filter by path or summary">
  <input id="authorization" type="text" placeholder="Authorization header for Try it (e.g. Bearer …)">
</div>
<main id="operations"></main>
<script>
(() => {
  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (name === "class") node.className = value; else node.setAttribute(name, value);
    }
    for (const child of children) node.append(child);
    return node;
  };
  const pretty = (value) => JSON.stringify(value, null, 2);
  let spec;

  const isPublic = (op) => Array.isArray(op.security) && op.security.length === 0;

  function resolve(schema) {
    if (schema && schema.$ref) return spec.components.schemas[schema.$ref.split("/").pop()];
    return schema;
  }

  function example(schema) {
    schema = resolve(schema) || {};
    if (schema.type === "object" || schema.properties) {
      const out = {};
      for (const name of schema.required || []) out[name] = example(schema.properties[name]);
      return out;
    }
    if (schema.type === "array") return [example(schema.items)];
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    return { string: "", integer: 0, number: 0, boolean: false, null: null }[type] ?? null;
  }

  function mediaPicker(content, render) {
    const types = Object.keys(content || {});
    const box = el("div");
    if (types.length === 0) return box;
    const select = el("select");
    for (const type of types) select.append(el("option", { value: type }, type));
    const shown = el("pre");
    const show = () => { shown.textContent = render(select.value); };
    select.addEventListener("change", show);
    show();
    box.append(select, shown);
    return box;
  }

  function tryIt(path, method, op) {
    const form = el("form", { class: "try" });
    const inputs = [];
    for (const p of op.parameters || []) {
      const input = el("input", { type: "text", name: p.name, placeholder: p.in + (p.required ? ", required" : "") });
      inputs.push([p, input]);
      form.append(el("label", {}, p.name + " (" + p.in + ")", input));
    }
    let typeSelect, bodyArea;
    if (op.requestBody) {
      typeSelect = el("select");
      for (const type of Object.keys(op.requestBody.content)) typeSelect.append(el("option", { value: type }, type));
      bodyArea = el("textarea", { name: "body" });
      const fill = () => {
        const schema = op.requestBody.content[typeSelect.value].schema;
        bodyArea.value = schema.type === "object" ? pretty(example(schema)) : "";
      };
      typeSelect.addEventListener("change", fill);
      fill();
      form.append(el("div", {}, "Content-Type ", typeSelect), bodyArea);
    }
    const result = el("div", { class: "hidden result" });
    form.append(el("p", {}, el("button", { type: "submit" }, "Send")), result);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      let url = path;
      const query = new URLSearchParams();
      const headers = {};
      for (const [p, input] of inputs) {
        if (input.value === "") continue;
        if (p.in === "path") url = url.replace("{" + p.name + "}", encodeURIComponent(input.value));
        else if (p.in === "query") query.set(p.name, input.value);
        else if (p.in === "header") headers[p.name] = input.value;
      }
      const auth = document.getElementById("authorization").value;
      if (auth && !isPublic(op)) headers.Authorization = auth;
      const init = { method: method.toUpperCase(), headers };
      if (bodyArea && bodyArea.value !== "") {
        headers["Content-Type"] = typeSelect.value;
        init.body = bodyArea.value;
      }
      const target = new URL("." + url + (query.size ? "?" + query : ""), location.href);
      result.replaceChildren(el("p", {}, "Sending " + init.method + " " + target.pathname + target.search + " …"));
      result.classList.remove("hidden");
      try {
        const response = await fetch(target, init);
        const text = await response.text();
        let shown = text;
        try { shown = pretty(JSON.parse(text)); } catch {}
        result.replaceChildren(
          el("p", { class: "status" }, response.status + " " + response.statusText + "  " + (response.headers.get("content-type") || "")),
          el("pre", { class: "response-body" }, shown),
        );
      } catch (error) {
        result.replaceChildren(el("p", { class: "status" }, "Request failed: " + error.message));
      }
    });
    return form;
  }

  function operation(path, method, op) {
    const body = el("div", { class: "body" });
    if (op.description) body.append(el("p", {}, op.description));
    if (isPublic(op)) body.append(el("p", {}, "No API key or token: this endpoint authenticates otherwise or not at all."));
    if ((op.parameters || []).length) {
      const table = el("table", {}, el("tr", {}, el("th", {}, "Parameter"), el("th", {}, "In"), el("th", {}, "Schema"), el("th", {}, "Description")));
      for (const p of op.parameters) {
        table.append(el("tr", {}, el("td", {}, p.name + (p.required ? " *" : "")), el("td", {}, p.in), el("td", {}, JSON.stringify(p.schema)), el("td", {}, p.description || "")));
      }
      body.append(el("h4", {}, "Parameters"), table);
    }
    if (op.requestBody) {
      body.append(el("h4", {}, "Request body" + (op.requestBody.required ? " (required)" : "")));
      body.append(mediaPicker(op.requestBody.content, (type) => pretty(resolve(op.requestBody.content[type].schema))));
    }
    body.append(el("h4", {}, "Responses"));
    for (const [status, response] of Object.entries(op.responses)) {
      body.append(el("p", {}, el("strong", {}, status), " " + response.description));
      body.append(mediaPicker(response.content, (type) => pretty(resolve(response.content[type].schema))));
    }
    body.append(el("h4", {}, "Try it"), tryIt(path, method, op));
    const summary = el("summary", {}, el("span", { class: "method " + method }, method), el("span", { class: "path" }, path), el("span", { class: "summary" }, op.summary || ""));
    const details = el("details", { class: "op", "data-filter": (method + " " + path + " " + (op.summary || "")).toLowerCase(), id: op.operationId }, summary, body);
    return details;
  }

  async function main() {
    const response = await fetch(new URL("openapi.json", location.href));
    spec = await response.json();
    document.getElementById("title").textContent = spec.info.title + " " + spec.info.version;
    document.getElementById("description").textContent = spec.info.description || "";
    const byTag = new Map();
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const tag = (op.tags || ["Other"])[0];
        if (!byTag.has(tag)) byTag.set(tag, []);
        byTag.get(tag).push(operation(path, method, op));
      }
    }
    const main = document.getElementById("operations");
    for (const [tag, ops] of byTag) main.append(el("section", {}, el("h2", {}, tag), ...ops));
    document.getElementById("filter").addEventListener("input", (event) => {
      const needle = event.target.value.toLowerCase();
      for (const op of document.querySelectorAll("details.op")) op.classList.toggle("hidden", !op.dataset.filter.includes(needle));
    });
    document.body.dataset.ready = "true";
  }
  main().catch((error) => { document.getElementById("description").textContent = "Could not load openapi.json: " + error.message; });
})();
</script>
</body>
</html>
`;
