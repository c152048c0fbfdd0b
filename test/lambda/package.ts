import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const ZIP = join(ROOT, ".serverless", "kafka-edge-proxy.zip");
/** Where the zip is unpacked: the handler file the tests load is the one Lambda would load. */
const UNPACKED = join(ROOT, ".serverless", "unpacked");
const LOCK = join(ROOT, "dist", ".package-lambda.lock");
const INPUTS = [
  "src",
  "functions",
  "serverless.yml",
  "scripts/package-lambda.ts",
  "scripts/lambda-bundle.ts",
  "package-lock.json",
];
const STALE_LOCK_MS = 180_000;

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function isFresh(): boolean {
  if (!existsSync(ZIP) || !existsSync(join(UNPACKED, "dist", "lambda.mjs"))) return false;
  const built = statSync(ZIP).mtimeMs;
  return INPUTS.every((input) => !existsSync(join(ROOT, input)) || newestMtime(join(ROOT, input)) < built);
}

/** mkdir is atomic: one process packages while others (test projects, a benchmark) wait for it. */
async function withLock<T>(run: () => T): Promise<T> {
  mkdirSync(join(ROOT, "dist"), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const lockedAt = statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - lockedAt > STALE_LOCK_MS) {
        rmSync(LOCK, { recursive: true, force: true });
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return run();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/**
 * Runs `npm run package:lambda` when the package is missing or older than its sources, unpacks
 * the zip, and returns the path of the packaged handler module (dist/lambda.mjs inside it).
 */
export async function ensureLambdaPackage(): Promise<string> {
  if (!isFresh()) {
    await withLock(() => {
      if (isFresh()) return;
      execFileSync(process.execPath, [join(ROOT, "scripts", "package-lambda.ts")], {
        cwd: ROOT,
        // On failure the thrown error carries osls's output.
        stdio: "pipe",
      });
      rmSync(UNPACKED, { recursive: true, force: true });
      execFileSync("unzip", ["-q", ZIP, "-d", UNPACKED]);
    });
  }
  return join(UNPACKED, "dist", "lambda.mjs");
}
