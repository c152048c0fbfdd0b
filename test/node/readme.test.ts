import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startNodeServer } from "../helpers/node-server.ts";

const README_URL = "http://127.0.0.1:8082";
const run = promisify(execFile);

/** Record timestamps are the time of the run: compare everything but their value. */
function withoutTimestamps(json: string): string {
  return json.replace(/"timestamp":\d+/g, '"timestamp":0');
}

interface Example {
  command: string;
  expected: string;
}

/** The `$ command` lines of README's console blocks, each with the output shown under it. */
function readmeExamples(): Example[] {
  const readme = readFileSync("README.md", "utf8");
  const blocks = [...readme.matchAll(/```console\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.flatMap((block) => {
    const examples: Example[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("$ ")) examples.push({ command: line.slice(2), expected: "" });
      else if (line !== "") examples[examples.length - 1].expected += line;
    }
    return examples;
  });
}

describe("README examples, run verbatim against a fresh `npm start`", () => {
  let server: RunningServer;
  const examples = readmeExamples();

  beforeAll(async () => {
    server = await startNodeServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("has examples to run", () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
  });

  it("prints what the README shows, in order", async () => {
    for (const { command, expected } of examples) {
      const { stdout } = await run("bash", ["-c", command.replaceAll(README_URL, server.url)]);
      const actual = stdout.replaceAll(server.url, README_URL);
      expect({ command, output: JSON.parse(withoutTimestamps(actual)) }).toEqual({
        command,
        output: JSON.parse(withoutTimestamps(expected)),
      });
    }
  });

  it("documents the scripts package.json really has", () => {
    const readme = readFileSync("README.md", "utf8");
    const { scripts } = JSON.parse(readFileSync("package.json", "utf8"));
    expect(readme).toContain("npm install && npm start");
    expect(readme).toContain("npm test");
    expect(scripts.start).toBe("node functions/node.ts");
    expect(scripts.test).toContain("vitest run");
  });
});
