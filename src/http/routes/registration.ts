import { resendVerificationCode, verifyEmail } from "../../domain/email-verification.js";
import { toPublicUser } from "../../domain/public-user.js";
import { registerUser } from "../../domain/registration.js";
import { negotiateLocale } from "../../i18n/locales.js";
import { clientContext } from "../client-context.js";
import { ok } from "../envelope.js";
import { tokenBody } from "../token-reply.js";
import type { App, AppDeps } from "../types.js";
import { withAliases } from "./aliases.js";
import {
  AcceptedReply,
  EmailBody,
  ErrorBody,
  RegisterBody,
  RegisterReply,
  UserReply,
  VerifyEmailBody,
} from "./registration.schemas.js";

export function registerRegistrationRoutes(app: App, deps: AppDeps): void {
  for (const [url, variant] of withAliases(
    "/auth/register",
    ["registration"],
    ["/register", "/api/auth/sign-up"],
  )) {
    app.post(
      url,
      {
        schema: {
          ...variant,
          summary: "Create an account and mail a 6-digit verification code",
          description:
            "Signing up again with a pending (unverified) email also answers 201, with the caller's own sign-up: its own userId and data, never the pending account's. A new code is mailed; it activates that sign-up's password, name and username, while an earlier code keeps activating the earlier sign-up until it expires.",
          body: RegisterBody,
          response: { 201: RegisterReply, 400: ErrorBody, 409: ErrorBody },
        },
      },
      async (request, reply) => {
        // An explicit locale is validated (400 when unsupported); the header only hints.
        const locale =
          request.body.locale ?? negotiateLocale(request.headers["accept-language"]) ?? undefined;
        const { user, tokens } = await registerUser(
          deps,
          { ...request.body, locale },
          clientContext(request),
        );
        const publicUser = toPublicUser(user);
        reply.code(201);
        if (!tokens) {
          return ok("Account created. Check your email for the verification code.", {
            userId: user.id,
            user: publicUser,
          });
        }
        return ok("Account created.", {
          userId: user.id,
          ...tokenBody(reply, deps.config, tokens),
          user: publicUser,
        });
      },
    );
  }

  for (const [url, variant] of withAliases(
    "/auth/verify-email",
    ["registration"],
    ["/api/auth/verify-code"],
  )) {
    app.post(
      url,
      {
        schema: {
          ...variant,
          summary: "Verify the email address with the mailed code",
          description:
            "userId may be the id a repeated sign-up answered. Every guess counts against CODE_MAX_ATTEMPTS, also for an email with no live code; 409 USERNAME_TAKEN when a repeated sign-up's username was taken meanwhile.",
          body: VerifyEmailBody,
          response: { 200: UserReply, 400: ErrorBody, 409: ErrorBody, 429: ErrorBody },
        },
      },
      async (request) => {
        const { code, userId, id, email } = request.body;
        const user = await verifyEmail(
          deps,
          { code, userId: userId ?? id, email },
          clientContext(request),
        );
        return ok("Email verified.", { user: toPublicUser(user) });
      },
    );
  }

  app.post(
    "/auth/verify-email/resend",
    {
      schema: {
        tags: ["registration"],
        summary: "Mail a new verification code (same answer whatever the email)",
        body: EmailBody,
        response: { 202: AcceptedReply, 400: ErrorBody },
      },
    },
    async (request, reply) => {
      await resendVerificationCode(deps, request.body.email, clientContext(request));
      reply.code(202);
      return ok(
        "If that address has an account waiting for verification, a new code is on its way.",
      );
    },
  );
}
