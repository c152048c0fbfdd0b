import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { settingNames } from "../../src/config/index.ts";

/** The variables named in the first column of README's Configuration table. */
function documentedSettings(): string[] {
  const readme = readFileSync("README.md", "utf8");
  const section = readme.slice(readme.indexOf("## Configuration"));
  const table = section.slice(
    section.indexOf("| Variable"),
    section.indexOf("\n\n", section.indexOf("| Variable")),
  );
  return table
    .split("\n")
    .slice(2)
    .flatMap((row) => [...(row.split("|")[1] ?? "").matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]));
}

describe("README configuration table", () => {
  it("documents every setting the proxy reads, and no other", () => {
    expect([...documentedSettings()].sort()).toEqual([...settingNames()].sort());
  });
});
