import { acceptNewUser, createUser } from "../../domain/create-user.js";
import { normalizeName, normalizeUsername } from "../../domain/input-rules.js";
import { required, validEmail } from "../../domain/validate.js";
import { UniqueViolation } from "../../storage/ports.js";
import { CLI_ACTOR, withRuntime } from "../open.js";
import {
  choiceOption,
  flagOption,
  noPositionals,
  ROLES,
  requiredOption,
  stringOption,
} from "../options.js";
import { readSecretLine } from "../read-line.js";
import { CliUsageError, type Command } from "../usage.js";

export const createUserCommand: Command = {
  summary: "create a user (this is how the first admin is made)",
  help: `Usage: latchkey create-user --email EMAIL (--password PASSWORD | --password-stdin)
                           [--role user|admin] [--verified] [--name NAME] [--username NAME]

Creates a user with the same email and password rules as sign-up (length, common and
breached passwords, no email, name or username inside the password). No mail is sent.

  --email EMAIL        the address; trimmed and lower-cased
  --password PASSWORD  the password; visible in \`ps\` and shell history, prefer:
  --password-stdin     read the password from the first line of stdin
  --role ROLE          user (default) or admin
  --verified           the email counts as verified and the user is active at once;
                       without it the user is pending (when REQUIRE_EMAIL_VERIFICATION
                       is on) until they verify with a code from /auth/verify-email/resend
  --name NAME          display name
  --username NAME      3 to 32 letters, digits, dots, dashes or underscores

The first admin:
  printf '%s\\n' "$ADMIN_PASSWORD" | latchkey create-user --email you@example.com \\
      --password-stdin --role admin --verified`,
  options: {
    email: { type: "string" },
    password: { type: "string" },
    "password-stdin": { type: "boolean" },
    role: { type: "string" },
    verified: { type: "boolean" },
    name: { type: "string" },
    username: { type: "string" },
  },
  async run({ values, positionals, config }) {
    noPositionals("create-user", positionals);
    const rawEmail = requiredOption(values, "email");
    const role = choiceOption(values, "role", ROLES) ?? "user";
    const verified = flagOption(values, "verified");
    const name = stringOption(values, "name");
    const username = stringOption(values, "username");
    // Refused before a password is read from stdin; acceptNewUser checks them again, with the rest.
    validEmail(rawEmail, "--email");
    if (name !== undefined) required("--name", normalizeName(name));
    if (username !== undefined) required("--username", normalizeUsername(username));
    const passwordOption = stringOption(values, "password");
    const fromStdin = flagOption(values, "password-stdin");
    if (passwordOption !== undefined && fromStdin) {
      throw new CliUsageError("give --password or --password-stdin, not both");
    }
    if (passwordOption === undefined && !fromStdin) {
      throw new CliUsageError("missing --password or --password-stdin");
    }
    const rawPassword = fromStdin
      ? await readSecretLine(process.stdin, "Password: ", "a password")
      : (passwordOption as string);
    const settings = config();

    return withRuntime(settings, async ({ deps }) => {
      const accepted = await acceptNewUser(
        deps,
        { email: rawEmail, password: rawPassword, name, username },
        {
          email: "--email",
          name: "--name",
          username: "--username",
          // Name the option the password came in by.
          password: fromStdin ? "--password-stdin" : "--password",
        },
      );
      const { email } = accepted;
      const now = deps.clock();
      // Unverified users wait for their code exactly as after sign-up.
      const status = verified || !settings.requireEmailVerification ? "active" : "pending";
      const user = await createUser(
        deps.stores,
        accepted,
        { role, status, emailVerifiedAt: verified ? now : null },
        now,
      ).catch((error: unknown) => {
        if (error instanceof UniqueViolation) {
          throw new CliUsageError(
            error.field === "email"
              ? `a user with email ${email} already exists (see set-role, unblock)`
              : `the username ${accepted.username} is taken`,
          );
        }
        throw error;
      });
      await deps.audit({
        type: "admin.user.created",
        outcome: "success",
        userId: user.id,
        actorId: CLI_ACTOR.id,
        details: { role, verified },
      });
      console.log(
        `created ${user.email} (id ${user.id}, role ${user.role}, status ${user.status})`,
      );
      return 0;
    });
  },
};
