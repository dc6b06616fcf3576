import type { FastifyReply, FastifyRequest } from "fastify";
import { fieldError } from "../../errors.js";
import { clientContext } from "../../http/client-context.js";
import { ok } from "../../http/envelope.js";
import { DEPRECATED_ALIAS } from "../../http/routes/aliases.js";
import { signInReply } from "../../http/token-reply.js";
import { SignInReply } from "../../http/token-schemas.js";
import type { App, AppDeps } from "../../http/types.js";
import { type ResetPasswordInput, requestPasswordReset, resetPassword } from "./recovery.js";
import {
  AcceptedReply,
  ErrorBody,
  ForgotPasswordBody,
  ForgotPasswordCodeBody,
  ResetPasswordBody,
  ResetTokenParams,
  ResetTokenQuery,
} from "./schemas.js";

const FORGOT_ANSWER =
  "If that address has an account, we have sent instructions to reset its password.";

export function registerRecoveryRoutes(app: App, deps: AppDeps): void {
  const forgot = async (
    request: FastifyRequest,
    reply: FastifyReply,
    email: string,
    method: "link" | "code",
  ) => {
    await requestPasswordReset(deps, email, method, clientContext(request));
    reply.code(202);
    return ok(FORGOT_ANSWER);
  };
  const forgotSchema = {
    body: ForgotPasswordBody,
    response: { 202: AcceptedReply, 400: ErrorBody },
  };
  app.post(
    "/auth/forgot-password",
    { schema: { ...forgotSchema, tags: ["recovery"], summary: "Mail a reset link or code" } },
    async (request, reply) =>
      forgot(request, reply, request.body.email, request.body.method ?? "link"),
  );
  app.post(
    "/forgot-password",
    { schema: { ...forgotSchema, ...DEPRECATED_ALIAS, summary: "Alias of /auth/forgot-password" } },
    async (request, reply) =>
      forgot(request, reply, request.body.email, request.body.method ?? "link"),
  );
  app.post(
    "/api/auth/forget-password-mail",
    {
      schema: {
        ...DEPRECATED_ALIAS,
        summary: "Mail a 6-digit reset code (older clients)",
        body: ForgotPasswordCodeBody,
        response: { 202: AcceptedReply, 400: ErrorBody },
      },
    },
    async (request, reply) => forgot(request, reply, request.body.email, "code"),
  );

  const resetResponse = {
    200: SignInReply,
    400: ErrorBody,
    403: ErrorBody,
    429: ErrorBody,
  };
  const reset = async (
    request: {
      body: Omit<ResetPasswordInput, "password"> & { password?: string; newPassword?: string };
    },
    client: ReturnType<typeof clientContext>,
    reply: FastifyReply,
    token: string | undefined,
  ) => {
    const { password, newPassword, ...rest } = request.body;
    const chosen = password ?? newPassword;
    if (chosen === undefined)
      throw fieldError("password", "password (or newPassword) is required.");
    const result = await resetPassword(
      deps,
      { ...rest, token: rest.token ?? token, password: chosen },
      client,
    );
    return signInReply(reply, deps.config, result, "Password reset. You are signed in.");
  };

  for (const [url, extra] of [
    [
      "/auth/reset-password",
      { tags: ["recovery"], summary: "Set a new password with a reset token or code" },
    ],
    [
      "/reset-password",
      { ...DEPRECATED_ALIAS, summary: "Alias of /auth/reset-password (token in ?token=)" },
    ],
    [
      "/api/auth/forget-password",
      { ...DEPRECATED_ALIAS, summary: "Reset with email, code and password" },
    ],
  ] as const) {
    app.post(
      url,
      {
        schema: {
          ...extra,
          body: ResetPasswordBody,
          querystring: ResetTokenQuery,
          response: resetResponse,
        },
      },
      async (request, reply) => reset(request, clientContext(request), reply, request.query.token),
    );
  }
  app.post(
    "/auth/reset-password/:token",
    {
      schema: {
        tags: ["recovery"],
        summary: "Set a new password with the token in the path",
        params: ResetTokenParams,
        body: ResetPasswordBody,
        response: resetResponse,
      },
    },
    async (request, reply) => reset(request, clientContext(request), reply, request.params.token),
  );
}
