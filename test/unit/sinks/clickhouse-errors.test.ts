import { describe, expect, it } from "vitest";
import { isRetriable, parseClickHouseError } from "../../../src/sinks/clickhouse-errors.ts";

describe("ClickHouse error bodies", () => {
  it("parses the old format (18.16 to 21.x)", () => {
    expect(
      parseClickHouseError(
        "Code: 60, e.displayText() = DB::Exception: Table default.wtf doesn't exist., e.what() = DB::Exception\n",
      ),
    ).toEqual({ code: 60, message: "Table default.wtf doesn't exist.", name: undefined });
    expect(
      parseClickHouseError(
        "Code: 252, e.displayText() = DB::Exception: Too many parts (4). Merges are processing significantly slower than inserts. (version 21.3.1.1), e.what() = DB::Exception",
      ),
    ).toEqual({
      code: 252,
      message: "Too many parts (4). Merges are processing significantly slower than inserts.",
      name: undefined,
    });
  });

  it("parses the new format with the error name and version", () => {
    expect(
      parseClickHouseError(
        "Code: 457. DB::Exception: Value abc cannot be parsed as UInt64 for query parameter 'id'. (BAD_QUERY_PARAMETER) (version 23.4.1.869 (official build))\n",
      ),
    ).toEqual({
      code: 457,
      message: "Value abc cannot be parsed as UInt64 for query parameter 'id'.",
      name: "BAD_QUERY_PARAMETER",
    });
  });

  it("keeps a body without a code as the message (a proxy's HTML, an empty 502)", () => {
    expect(parseClickHouseError("<html>Bad Gateway</html>")).toEqual({
      code: undefined,
      message: "<html>Bad Gateway</html>",
      name: undefined,
    });
  });

  it("retries by the code, not the status: 18.16's 500 for a parse error is final", () => {
    expect(isRetriable(252, 500)).toBe(true);
    expect(isRetriable(209, 503)).toBe(true);
    expect(isRetriable(319, 500)).toBe(true);
    expect(isRetriable(27, 500)).toBe(false);
    expect(isRetriable(117, 500)).toBe(false);
    expect(isRetriable(60, 404)).toBe(false);
    expect(isRetriable(115, 404)).toBe(false);
    expect(isRetriable(193, 401)).toBe(false);
  });

  it("retries codeless gateway and timeout statuses only", () => {
    expect([502, 503, 504, 408, 429].map((s) => isRetriable(undefined, s))).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect([400, 401, 404, 500].map((s) => isRetriable(undefined, s))).toEqual([false, false, false, false]);
  });
});
