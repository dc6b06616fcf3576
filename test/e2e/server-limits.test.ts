import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pglite } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import { expectError, PASSWORD, uniqueEmail } from "./support.js";

// A server starts in about 2 s, but far slower on a loaded machine (PGlite compiles its WASM).
const START_TIMEOUT_MS = 90_000;

/** A raw connection: what a slow or hostile client sends, byte by byte. */
function open(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Everything the server writes until it closes the connection. */
function untilClosed(socket: Socket): Promise<string> {
  let text = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    text += chunk;
  });
  return new Promise((resolve) => socket.once("close", () => resolve(text)));
}

/** The first response on the connection, as soon as its status line and headers are in. */
function firstResponse(socket: Socket): Promise<string> {
  let text = "";
  socket.setEncoding("utf8");
  return new Promise((resolve) => {
    socket.on("data", (chunk: string) => {
      text += chunk;
      const end = text.indexOf("\r\n\r\n");
      if (end >= 0 && text.includes("}", end)) resolve(text);
    });
  });
}

function nested(depth: number): string {
  return `${"[".repeat(depth)}${"]".repeat(depth)}`;
}

describe("body limits per route (issue 13 item 6)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: pglite });
  }, START_TIMEOUT_MS);
  afterAll(() => server?.close());

  it("refuses an auth body over 16 KiB with 413, though BODY_LIMIT is 1 MiB", async () => {
    const body = { email: uniqueEmail("limits"), password: PASSWORD, pad: "x".repeat(16 * 1024) };
    expectError(await server.post("/auth/login", body), 413, "PAYLOAD_TOO_LARGE");
    expectError(await server.post("/auth/register", body), 413, "PAYLOAD_TOO_LARGE");
  });

  it("answers 413 on the declared length, before the body arrives", async () => {
    const socket = await open(server.url);
    const answer = firstResponse(socket);
    socket.write(
      "POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
        `Content-Length: ${1024 * 1024}\r\n\r\n[[[[`,
    );
    const text = await answer;
    socket.destroy();
    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    expect(text).toContain('"code":"PAYLOAD_TOO_LARGE"');
  });

  it("refuses JSON nested deeper than 32 with 400 INVALID_JSON", async () => {
    for (const raw of [
      `{"email":${nested(33)},"password":"x"}`,
      nested(40),
      `{"a":${'{"a":'.repeat(40)}1${"}".repeat(40)}}`,
    ]) {
      expectError(await server.post("/auth/login", raw), 400, "INVALID_JSON");
    }
  });

  it("still parses 32 levels, and brackets inside strings do not count", async () => {
    const deep = await server.post("/auth/login", `{"email":${nested(31)},"password":"x"}`);
    expectError(deep, 400, "VALIDATION_FAILED");
    const inString = await server.post("/auth/login", {
      email: uniqueEmail("limits"),
      password: `${"[".repeat(100)}\\"{{{{`,
    });
    expectError(inString, 401, "INVALID_CREDENTIALS");
  });
});

describe("BODY_LIMIT stays the ceiling (issue 13 item 6)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: pglite, env: { BODY_LIMIT: "2048" } });
  }, START_TIMEOUT_MS);
  afterAll(() => server?.close());

  it("refuses a body under 16 KiB but over BODY_LIMIT", async () => {
    const body = { email: uniqueEmail("limits"), password: PASSWORD, pad: "x".repeat(4096) };
    expectError(await server.post("/auth/login", body), 413, "PAYLOAD_TOO_LARGE");
  });
});

describe("slow clients are closed (issue 13 item 12)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      store: pglite,
      env: { HEADERS_TIMEOUT: "300ms", REQUEST_TIMEOUT: "600ms" },
    });
  }, START_TIMEOUT_MS);
  afterAll(() => server?.close());

  it("closes a connection whose headers never finish, with 408", async () => {
    const socket = await open(server.url);
    const closed = untilClosed(socket);
    socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    const text = await closed;
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toContain('"code":"REQUEST_TIMEOUT"');
  });

  it("closes a connection whose body never finishes, with 408", async () => {
    const socket = await open(server.url);
    const closed = untilClosed(socket);
    socket.write(
      "POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
        'Content-Length: 100\r\n\r\n{"email":',
    );
    const text = await closed;
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("still serves a prompt client", async () => {
    expect((await server.get("/healthz")).status).toBe(200);
  });
});
