import { createMemoryStateStore } from "../../../src/state/memory.ts";
import { describeStateStore } from "../../contract/state-store.ts";

describeStateStore("memory", async () => {
  const store = createMemoryStateStore();
  return { store, close: () => store.close() };
});
