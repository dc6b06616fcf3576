/** What the scenarios need from the seeded accounts. */
export interface SeededUser {
  email: string;
  accessToken: string;
  refreshToken: string;
}

/** One password for every bench account: not common, no part of the email (the policy checks). */
export const BENCH_PASSWORD = "Vq7-orbit-lantern-42";

/** A run id in every email, so runs on a reused database never collide. */
export const RUN_ID = Date.now().toString(36);

export function benchEmail(kind: string, n: number): string {
  return `${kind}-${RUN_ID}-${n}@bench.example.com`;
}

/**
 * Signs up `count` accounts through the API (REQUIRE_EMAIL_VERIFICATION=false, so each
 * sign-up answers with a token pair), a few at a time.
 */
export async function seedUsers(
  baseUrl: string,
  count: number,
  kind = "seed",
  log?: (line: string) => void,
): Promise<SeededUser[]> {
  log?.(`seeding ${count} users`);
  const users: SeededUser[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const email = benchEmail(kind, next++);
      const response = await fetch(`${baseUrl}/auth/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: BENCH_PASSWORD }),
      });
      const body = (await response.json()) as {
        accessToken?: string;
        refreshToken?: string;
        message?: string;
      };
      if (response.status !== 201 || !body.accessToken || !body.refreshToken) {
        throw new Error(`seeding ${email}: ${response.status} ${JSON.stringify(body)}`);
      }
      users.push({ email, accessToken: body.accessToken, refreshToken: body.refreshToken });
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return users;
}
