/**
 * Real Kafka brokers for integration tests, through scripts/kafka.sh: the shared test broker
 * (default port, leased so that concurrent test runs on one machine do not stop it under each
 * other) and private brokers on free ports with their own data dir (for tests that restart one).
 */
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort } from "../helpers/ports.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const SCRIPT = join(ROOT, "scripts/kafka.sh");

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs scripts/kafka.sh with extra environment (and stdin); never throws for a non-zero exit. */
export function kafkaScript(
  args: string[],
  env: Record<string, string> = {},
  options: { timeoutMs?: number; input?: string } = {},
): Promise<ScriptResult> {
  return new Promise((resolvePromise) => {
    const child = execFile(
      "bash",
      [SCRIPT, ...args],
      { env: { ...process.env, ...env }, timeout: options.timeoutMs ?? 180_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolvePromise({ code, stdout, stderr });
      },
    );
    child.stdin?.end(options.input ?? "");
  });
}

/** Runs a Kafka CLI class (kafka-tools) with the broker's classpath; throws on failure. */
export async function runKafkaClass(mainClass: string, args: string[], input?: string): Promise<string> {
  const result = await kafkaScript(["run-class", mainClass, ...args], {}, { input });
  if (result.code !== 0)
    throw new Error(`${mainClass} failed (${result.code}):\n${result.stderr}\n${result.stdout}`);
  return result.stdout;
}

async function mustRun(args: string[], env: Record<string, string> = {}): Promise<string> {
  const result = await kafkaScript(args, env);
  if (result.code !== 0) {
    throw new Error(`scripts/kafka.sh ${args.join(" ")} failed (${result.code}):\n${result.stderr}`);
  }
  return result.stdout.trim();
}

export interface PrivateBroker {
  brokers: string;
  env: Record<string, string>;
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** SIGTERM and wait; `start` brings it back with its data. */
  halt(): Promise<void>;
  start(): Promise<void>;
}

/** A broker of its own on free ports and a fresh data dir; stop() wipes it. */
export async function startPrivateBroker(): Promise<PrivateBroker> {
  const port = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === port) controllerPort = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), "kep-kafka-"));
  const env = {
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
    KAFKA_DATA_DIR: join(dataDir, "broker"),
  };
  const brokers = await mustRun(["start"], env);
  return {
    brokers,
    env,
    restart: async () => {
      await mustRun(["restart"], env);
    },
    halt: async () => {
      await mustRun(["stop"], env);
    },
    start: async () => {
      await mustRun(["start"], env);
    },
    stop: async () => {
      await kafkaScript(["stop", "--wipe"], env);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const DEFAULT_PORT = process.env.KAFKA_PORT ?? "19092";
const LEASES = join(process.env.TMPDIR ?? "/tmp", `kafka-edge-proxy-kafka-${DEFAULT_PORT}.leases`);
const STARTED_BY_TESTS = join(LEASES, "started-by-tests");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs `body` while holding an exclusive lock shared by every test run on this machine. */
async function locked<T>(body: () => Promise<T>): Promise<T> {
  await mkdir(LEASES, { recursive: true });
  const lockPath = join(LEASES, ".lock");
  for (;;) {
    try {
      const handle = await open(lockPath, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch {
      // Held by another run; a holder that died leaves its pid behind.
      const holder = Number(await readFile(lockPath, "utf8").catch(() => "0"));
      if (holder > 0 && !alive(holder)) await rm(lockPath, { force: true });
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await body();
  } finally {
    await rm(lockPath, { force: true });
  }
}

/**
 * The shared test broker on KAFKA_PORT (19092): started if it is not running, with a lease for this
 * process. release() stops (and wipes) it only if a test run started it and no other run holds a
 * lease — a broker somebody started by hand is never stopped.
 */
export async function leaseSharedBroker(): Promise<{ brokers: string; release(): Promise<void> }> {
  const lease = join(LEASES, `lease-${process.pid}`);
  const brokers = await locked(async () => {
    const running = (await kafkaScript(["status"])).code === 0;
    const address = await mustRun(["start"]);
    if (!running) await writeFile(STARTED_BY_TESTS, String(process.pid));
    await writeFile(lease, String(process.pid));
    return address;
  });
  return {
    brokers,
    release: () =>
      locked(async () => {
        await rm(lease, { force: true });
        const files = await readdir(LEASES);
        const others: number[] = [];
        for (const file of files.filter((f) => f.startsWith("lease-"))) {
          const pid = Number(file.slice("lease-".length));
          if (alive(pid)) others.push(pid);
          else await rm(join(LEASES, file), { force: true });
        }
        const startedByTests = files.includes("started-by-tests");
        if (others.length === 0 && startedByTests) {
          await kafkaScript(["stop", "--wipe"]);
          await rm(STARTED_BY_TESTS, { force: true });
        }
      }),
  };
}

export interface SecureBroker {
  /** SASL_PLAINTEXT listener: PLAIN users alice (super user) and bob (no ACLs), SCRAM users carol (SHA-256) and dave (SHA-512). */
  sasl: string;
  /** SSL listener with a self-signed certificate for 127.0.0.1. */
  tls: string;
  /** PEM of that certificate: the CA a client must trust. */
  caPem: string;
  stop(): Promise<void>;
}

export const SECURE_USERS = {
  alice: "alice-secret",
  bob: "bob-secret",
  carol: "carol-secret",
  dave: "dave-secret",
} as const;

/** 16 random bytes, base64url without padding and not starting with "-" (Kafka's Uuid format). */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

function runJava(command: string, args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(command, args, { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args[0]} failed: ${stderr || error.message}`));
      else resolvePromise(stdout);
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolvePromise(true);
    });
    socket.once("error", () => resolvePromise(false));
  });
}

/**
 * A private broker with authentication, authorization and TLS, started straight from the jars that
 * scripts/kafka.sh provisions (its own configuration is plaintext only): a SASL_PLAINTEXT listener
 * (PLAIN + SCRAM-SHA-256/512, StandardAuthorizer with no ACLs, so only super users may do anything)
 * and an SSL listener, both on free ports, with a fresh data dir that stop() removes.
 */
export async function startSecureBroker(): Promise<SecureBroker> {
  const libs = await mustRun(["provision"]);
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, "bin/java") : "java";
  const keytool = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, "bin/keytool") : "keytool";
  const dir = await mkdtemp(join(tmpdir(), "kep-kafka-secure-"));
  const ports: number[] = [];
  while (ports.length < 4) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const [internal, sasl, tls, controller] = ports;
  const keystore = join(dir, "broker.p12");
  await runJava(keytool, [
    "-genkeypair",
    "-alias",
    "broker",
    "-keyalg",
    "RSA",
    "-keysize",
    "2048",
    "-validity",
    "2",
    "-dname",
    "CN=127.0.0.1",
    "-ext",
    "SAN=IP:127.0.0.1,DNS:localhost",
    "-keystore",
    keystore,
    "-storetype",
    "PKCS12",
    "-storepass",
    "broker-store",
    "-keypass",
    "broker-store",
  ]);
  const caPem = await runJava(keytool, [
    "-exportcert",
    "-rfc",
    "-alias",
    "broker",
    "-keystore",
    keystore,
    "-storepass",
    "broker-store",
  ]);
  const plainUsers = Object.entries(SECURE_USERS)
    .filter(([user]) => user === "alice" || user === "bob")
    .map(([user, password]) => `user_${user}="${password}"`)
    .join(" ");
  const properties = [
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@127.0.0.1:${controller}`,
    `listeners=INTERNAL://127.0.0.1:${internal},SASL://127.0.0.1:${sasl},TLS://127.0.0.1:${tls},CONTROLLER://127.0.0.1:${controller}`,
    `advertised.listeners=INTERNAL://127.0.0.1:${internal},SASL://127.0.0.1:${sasl},TLS://127.0.0.1:${tls}`,
    "listener.security.protocol.map=INTERNAL:PLAINTEXT,SASL:SASL_PLAINTEXT,TLS:SSL,CONTROLLER:PLAINTEXT",
    "controller.listener.names=CONTROLLER",
    "inter.broker.listener.name=INTERNAL",
    "sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512",
    `listener.name.sasl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
    "listener.name.sasl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;",
    "listener.name.sasl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;",
    "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
    "super.users=User:ANONYMOUS;User:alice;User:carol;User:dave",
    "allow.everyone.if.no.acl.found=false",
    `ssl.keystore.location=${keystore}`,
    "ssl.keystore.password=broker-store",
    "ssl.key.password=broker-store",
    "ssl.keystore.type=PKCS12",
    `log.dirs=${join(dir, "logs")}`,
    "auto.create.topics.enable=false",
    "num.partitions=1",
    "offsets.topic.replication.factor=1",
    "offsets.topic.num.partitions=1",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "group.initial.rebalance.delay.ms=0",
  ].join("\n");
  const propertiesFile = join(dir, "server.properties");
  await writeFile(propertiesFile, `${properties}\n`);
  const classpath = join(libs, "*");
  const cli = ["-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath];
  await runJava(java, [
    ...cli,
    "kafka.tools.StorageTool",
    "format",
    "-t",
    clusterId(),
    "-c",
    propertiesFile,
    "--add-scram",
    `SCRAM-SHA-256=[name=carol,password=${SECURE_USERS.carol}]`,
    "--add-scram",
    `SCRAM-SHA-512=[name=dave,password=${SECURE_USERS.dave}]`,
  ]);
  const log = await open(join(dir, "broker.log"), "w");
  const child = spawn(
    java,
    [
      "-Xms128m",
      "-Xmx384m",
      `-Dlog4j.configuration=file:${join(ROOT, "scripts/kafka/log4j.properties")}`,
      "-cp",
      classpath,
      "kafka.Kafka",
      propertiesFile,
    ],
    { stdio: ["ignore", log.fd, log.fd] },
  );
  const exited = new Promise<void>((resolvePromise) => child.once("exit", () => resolvePromise()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    }
    await log.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    const started = (await readFile(join(dir, "broker.log"), "utf8").catch(() => "")).includes(
      "Kafka Server started",
    );
    if (started && (await portOpen(sasl)) && (await portOpen(tls))) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      const output = await readFile(join(dir, "broker.log"), "utf8").catch(() => "");
      await stop();
      throw new Error(`the secure test broker did not start:\n${output.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { sasl: `127.0.0.1:${sasl}`, tls: `127.0.0.1:${tls}`, caPem, stop };
}
