import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import type { ResolvedTarget } from "./address-guard.js";

export interface WebhookRequest {
  target: ResolvedTarget;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/**
 * POSTs one delivery and answers the status. The connection goes to the address that was
 * checked (the lookup answers it, whatever DNS says now); TLS still checks the certificate
 * against the URL's host name. node:http never follows a redirect: a 3xx is an answer like
 * any other, and the worker counts it as a failure. The answer's status line must arrive within
 * timeoutMs, or the request is torn down and fails.
 */
export function sendWebhook(request: WebhookRequest): Promise<number> {
  const { target } = request;
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const send = target.url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(target.url, {
      method: "POST",
      lookup: pinned,
      headers: {
        ...request.headers,
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(request.body)),
        "user-agent": "Latchkey-Webhooks/1",
      },
      agent: false,
    });
    const timer = setTimeout(() => {
      outgoing.destroy(new Error(`no answer within ${request.timeoutMs / 1000} s`));
    }, request.timeoutMs);
    outgoing.on("response", (response) => {
      // The status is the answer. The body is not read for anything: drained, and cut off
      // with the connection when it is still coming at the deadline.
      resolve(response.statusCode ?? 0);
      response.on("error", () => {});
      response.on("end", () => clearTimeout(timer));
      response.resume();
    });
    outgoing.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    outgoing.end(request.body);
  });
}
