import { scaleEmail, scaleUserStatus } from "./scale-sql.js";
import { BENCH_PASSWORD, type SeededUser } from "./seed.js";

/**
 * The bench's accounts on a scale database: `count` active users without a second factor
 * (a password sign-in gives them tokens), spread evenly over the
 * seeded ones (so their rows lie all over the tables), signed in through the API.
 */
export async function signInScaleUsers(
  baseUrl: string,
  count: number,
  seeded: number,
  log: (line: string) => void,
): Promise<SeededUser[]> {
  const numbers = pickActive(count, seeded);
  log(`signing in ${numbers.length} of the ${seeded.toLocaleString("en")} seeded users`);
  const users: SeededUser[] = [];
  let next = 0;
  const worker = async () => {
    for (let n = numbers[next++]; n !== undefined; n = numbers[next++]) {
      const email = scaleEmail(n);
      const response = await fetch(`${baseUrl}/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: BENCH_PASSWORD }),
      });
      const body = (await response.json()) as { accessToken?: string; refreshToken?: string };
      if (response.status !== 200 || !body.accessToken || !body.refreshToken) {
        throw new Error(`signing in ${email}: ${response.status} ${JSON.stringify(body)}`);
      }
      users.push({ email, accessToken: body.accessToken, refreshToken: body.refreshToken });
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return users;
}

function pickActive(count: number, seeded: number): number[] {
  if (seeded < count * 2) throw new Error(`the scale database holds only ${seeded} users`);
  const step = Math.floor(seeded / count);
  const numbers: number[] = [];
  for (let n = 1; n <= seeded && numbers.length < count; n += step) {
    // The nearest active user at or after n (scaleUserStatus: most are).
    let m = n;
    while (m <= seeded && !isActiveUser(m)) m++;
    if (m <= seeded) numbers.push(m);
  }
  return numbers;
}

function isActiveUser(n: number): boolean {
  const { status, role, mfa } = scaleUserStatus(n);
  return status === "active" && role === "user" && !mfa;
}
