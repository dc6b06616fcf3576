import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { runMainToExit, startMainProcess } from "./main-process.js";

// A first start creates the embedded database on disk (several seconds): one process
// serves both the request-id check and the shutdown it ends with.
describe("the server process", () => {
  it("echoes x-request-id, then finishes a request in flight when SIGTERM arrives and exits 0", async () => {
    const server = await startMainProcess({ SHUTDOWN_TIMEOUT: "10s" });
    const health = await fetch(`${server.url}/healthz`);
    expect(health.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);

    const { port } = new URL(server.url);
    const body = JSON.stringify({ email: "nobody@example.com", password: "not the password" });
    const socket = connect(Number(port), "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    let response = "";
    socket.on("data", (chunk) => {
      response += String(chunk);
    });
    // Headers and half the body: the request is in flight when the signal comes.
    socket.write(
      `POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    server.child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.write(body.slice(10));
    await new Promise<void>((resolve) => socket.once("close", () => resolve()));

    expect(response).toMatch(/^HTTP\/1\.1 401 /);
    expect(response).toContain('"code":"INVALID_CREDENTIALS"');
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain("shutting down");
    expect(server.output()).toContain('"msg":"stopped"');
  }, 150_000);

  it("refuses to start on a bad setting with one line naming it", async () => {
    const { code, stderr } = await runMainToExit({ ACCESS_TOKEN_TTL: "soon" });
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/^latchkey: ACCESS_TOKEN_TTL: /);
  }, 120_000);

  it("refuses NODE_ENV=production without SMTP_URL", async () => {
    const { code, stderr } = await runMainToExit({ NODE_ENV: "production" });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^latchkey: SMTP_URL: required when NODE_ENV=production/);
  }, 120_000);
});
