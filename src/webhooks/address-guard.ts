import { lookup } from "node:dns/promises";
import { isIPv4, isIPv6 } from "node:net";

/**
 * Server-side request forgery (OWASP ASVS 5.0 V1.3.6 and the OWASP SSRF Prevention Cheat
 * Sheet): an admin-given URL must not make the server reach its own network. The host is
 * resolved and every address checked, at creation and again at each delivery, and the
 * connection then goes to the address that was checked (no second lookup an attacker's DNS
 * could answer differently: "DNS rebinding").
 */

/** IPv4 ranges no webhook may reach: [first address as a number, prefix length, name]. */
const IPV4_FORBIDDEN: readonly [string, number, string][] = [
  ["0.0.0.0", 8, "this network"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "carrier-grade NAT"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local (cloud metadata)"],
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "IETF protocol assignments"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "benchmarking"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved"],
];

/** Why an address is refused, or null when a webhook may go there. */
export function forbiddenAddressReason(address: string): string | null {
  if (isIPv4(address)) return ipv4Reason(ipv4Number(address));
  if (!isIPv6(address)) return "not an IP address";
  const words = ipv6Words(address);
  if (words === null) return "not an IP address";
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, w6 = 0, w7 = 0] = words;
  const v4 = ((w6 << 16) | w7) >>> 0;
  const leadingZero = w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0 && w4 === 0;
  if (leadingZero && w5 === 0 && w6 === 0 && (w7 === 0 || w7 === 1)) {
    return w7 === 0 ? "unspecified" : "loopback";
  }
  // ::ffff:a.b.c.d (IPv4-mapped) and ::a.b.c.d (IPv4-compatible) reach the IPv4 address.
  if (leadingZero && (w5 === 0xffff || w5 === 0)) return ipv4Reason(v4);
  // 64:ff9b::/96, NAT64: the gateway forwards to the embedded IPv4 address.
  if (w0 === 0x64 && w1 === 0xff9b && w2 === 0 && w3 === 0 && w4 === 0 && w5 === 0) {
    return ipv4Reason(v4);
  }
  if ((w0 & 0xfe00) === 0xfc00) return "unique-local";
  if ((w0 & 0xffc0) === 0xfe80) return "link-local";
  if ((w0 & 0xff00) === 0xff00) return "multicast";
  return null;
}

function ipv4Number(address: string): number {
  return address.split(".").reduce((n, part) => ((n << 8) | Number(part)) >>> 0, 0);
}

function ipv4Reason(n: number): string | null {
  for (const [first, bits, name] of IPV4_FORBIDDEN) {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if ((n & mask) >>> 0 === ipv4Number(first)) return name;
  }
  return n === 0xffffffff ? "broadcast" : null;
}

/** The eight 16-bit words of an IPv6 address (with "::" and a dotted IPv4 tail expanded). */
function ipv6Words(address: string): number[] | null {
  let text = address.toLowerCase().split("%")[0] ?? "";
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (tail) {
    const n = ipv4Number(tail);
    text = `${text.slice(0, -tail.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = "", rest] = text.split("::");
  const left = head ? head.split(":") : [];
  const right = rest ? rest.split(":") : [];
  const missing = 8 - left.length - right.length;
  if (rest === undefined ? missing !== 0 : missing < 1) return null;
  const words = [...left, ...Array<string>(rest === undefined ? 0 : missing).fill("0"), ...right];
  return words.map((word) => Number.parseInt(word, 16));
}

export interface ResolvedTarget {
  url: URL;
  /** The checked address the connection must go to. */
  address: string;
  family: 4 | 6;
}

export type TargetVerdict = { ok: true; target: ResolvedTarget } | { ok: false; reason: string };

export type Resolve = (hostname: string) => Promise<{ address: string; family: number }[]>;

// A resolver that does not answer must not hold an admin request or a delivery for long.
const LOOKUP_TIMEOUT_MS = 5_000;

const systemResolve: Resolve = (hostname) => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("DNS lookup timed out")), LOOKUP_TIMEOUT_MS);
  });
  return Promise.race([lookup(hostname, { all: true, verbatim: true }), timeout]).finally(() =>
    clearTimeout(timer),
  );
};

/**
 * Checks a webhook URL: http(s), no credentials in it, and a host whose every address is
 * public (unless allowPrivate). A name with one public and one private address is refused:
 * which one a connection gets is not ours to choose.
 */
export async function checkWebhookTarget(
  raw: string,
  options: { allowPrivate: boolean; resolve?: Resolve },
): Promise<TargetVerdict> {
  const url = URL.canParse(raw) ? new URL(raw) : null;
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
    return { ok: false, reason: "must be an http:// or https:// URL" };
  }
  // Credentials in a URL end up in logs and in the admin API's answers.
  if (url.username || url.password) return { ok: false, reason: "must not contain credentials" };
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  let addresses: { address: string; family: number }[];
  try {
    addresses =
      isIPv4(host) || isIPv6(host)
        ? [{ address: host, family: isIPv4(host) ? 4 : 6 }]
        : await (options.resolve ?? systemResolve)(host);
  } catch {
    return { ok: false, reason: `host ${host} does not resolve` };
  }
  const first = addresses[0];
  if (!first) return { ok: false, reason: `host ${host} does not resolve` };
  if (!options.allowPrivate) {
    for (const { address } of addresses) {
      const why = forbiddenAddressReason(address);
      if (why) return { ok: false, reason: `resolves to a ${why} address (${address})` };
    }
  }
  return {
    ok: true,
    target: { url, address: first.address, family: first.family === 6 ? 6 : 4 },
  };
}
