import type { FastifyReply, FastifyRequest } from "fastify";
import type { AccessClaims } from "../crypto/access-tokens.js";
import { getCurrentUser, listSessions } from "../domain/account.js";
import { AuthError } from "../errors.js";
import { clearSessionCookies } from "../http/cookies.js";
import { href, type PageContext, type PageEnv, pageContext } from "./context.js";
import { codeMessage, formErrors } from "./form-errors.js";
import { redirect, sendHtml, sendRefused, signedInClaims } from "./respond.js";
import { accountPage } from "./templates/account.js";
import type { FormError } from "./templates/form.js";
import { messagePage } from "./templates/message.js";

export interface AccountExtras {
  notice?: string | undefined;
  errors?: FormError[];
  /** The refusal the errors come from: the page is sent under its status. */
  error?: unknown;
}

/**
 * /account with a method's refused form on top, under the refusal's status. `words` are the
 * method's own messages by code (MFA_REQUIRED says how to step up); others take the shared
 * ones. A blocked account, or anything but a refusal, goes to the pages' error handling.
 */
export function sendAccountRefusal(
  env: PageEnv,
  ctx: PageContext,
  reply: FastifyReply,
  claims: AccessClaims,
  error: unknown,
  words: Partial<Record<string, string>>,
): Promise<FastifyReply> {
  if (!(error instanceof AuthError) || error.code === "ACCOUNT_BLOCKED") throw error;
  const message = words[error.code];
  const errors = message
    ? [{ message }]
    : formErrors(ctx, error).map(({ message: text }) => ({ message: text }));
  return sendAccountPage(env, ctx, reply, claims, { errors, error });
}

/** /account, with a notice or with the errors of a refused form; the methods' sections too. */
export async function sendAccountPage(
  env: PageEnv,
  ctx: PageContext,
  reply: FastifyReply,
  claims: AccessClaims,
  extra: AccountExtras = {},
): Promise<FastifyReply> {
  const { deps } = env;
  const user = await getCurrentUser(deps, claims);
  const sessions = await listSessions(deps, claims);
  const sections = await Promise.all(
    env.accountSections.map((section) => section.render(ctx, claims, deps)),
  );
  const html = accountPage(ctx, {
    user,
    sessions,
    sections,
    errors: extra.errors ?? [],
    notice: extra.notice,
  });
  return extra.error === undefined ? sendHtml(reply, html) : sendRefused(reply, extra.error, html);
}

export type SignedInAction = (
  ctx: PageContext,
  claims: AccessClaims,
  request: FastifyRequest,
  reply: FastifyReply,
) => Promise<unknown>;

/**
 * A page handler that runs `action` for the signed-in user. Without a live access token the
 * person is sent to sign in; a blocked account is told so, and its cookies are cleared.
 */
export function signedInPage(env: PageEnv, action: SignedInAction) {
  const { deps } = env;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const ctx = pageContext(request, env);
    const claims = await signedInClaims(request, deps);
    if (!claims) return redirect(reply, href(ctx, "/sign-in", { notice: "sign-in-required" }));
    try {
      return await action(ctx, claims, request, reply);
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      if (error.code === "UNAUTHORIZED" || error.code === "ACCOUNT_BLOCKED") {
        clearSessionCookies(reply, deps.config);
      }
      if (error.code === "UNAUTHORIZED") {
        return redirect(reply, href(ctx, "/sign-in", { notice: "sign-in-required" }));
      }
      if (error.code !== "ACCOUNT_BLOCKED") throw error;
      const page = messagePage(ctx, {
        title: ctx.t("error.title"),
        paragraphs: [codeMessage(ctx, error)],
        actions: [{ href: href(ctx, "/sign-in"), label: ctx.t("error.back") }],
        alert: true,
      });
      return sendHtml(reply, page, error.status);
    }
  };
}
