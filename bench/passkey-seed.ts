import { SoftwareAuthenticator } from "../test/helpers/software-authenticator.js";
import { seedUsers } from "./seed.js";

/**
 * The relying party the bench server is configured with (WEBAUTHN_RP_ID, WEBAUTHN_ORIGINS):
 * fixed names rather than the loopback URL, so the authenticators exist before the port does.
 */
export const BENCH_RP = { id: "bench.latchkey.test", origin: "https://bench.latchkey.test" };

export function benchWebauthnEnv(): Record<string, string> {
  return { WEBAUTHN_RP_ID: BENCH_RP.id, WEBAUTHN_ORIGINS: BENCH_RP.origin };
}

interface Envelope {
  success?: boolean;
  message?: string;
}

/**
 * `count` new accounts, each with one passkey registered through the API as a browser would
 * (sign-up, POST /auth/passkeys/register/options with the sign-up's access token, the
 * software authenticator's answer to POST /auth/passkeys/register): one ES256 authenticator
 * per user, kept here so the scenario can sign assertions with it. Not measured.
 */
export async function seedPasskeys(
  baseUrl: string,
  count: number,
): Promise<SoftwareAuthenticator[]> {
  const users = await seedUsers(baseUrl, count, "passkey");
  const devices: SoftwareAuthenticator[] = [];
  let next = 0;
  const worker = async () => {
    while (next < users.length) {
      const user = users[next++];
      if (!user) break;
      const post = async <T>(path: string, body: object): Promise<T> => {
        const response = await fetch(`${baseUrl}${path}`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            authorization: `Bearer ${user.accessToken}`,
          },
          body: JSON.stringify(body),
        });
        const answer: unknown = await response.json();
        if (!response.ok) {
          throw new Error(
            `${path} for ${user.email}: ${response.status} ${JSON.stringify(answer)}`,
          );
        }
        return answer as T;
      };
      const device = new SoftwareAuthenticator({ origin: BENCH_RP.origin, rpId: BENCH_RP.id });
      const options = await post<Envelope & { challenge: string; user: { id: string } }>(
        "/auth/passkeys/register/options",
        {},
      );
      await post<Envelope>("/auth/passkeys/register", { response: device.register(options) });
      devices.push(device);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return devices;
}
