import { listSessions, logoutEverywhere, revokeSession } from "../../domain/account.js";
import { logout, refreshSession } from "../../domain/refresh.js";
import { clientContext } from "../client-context.js";
import { clearSessionCookies, REFRESH_COOKIE } from "../cookies.js";
import { ErrorBody, ok, SIGNED_IN } from "../envelope.js";
import { authenticate, presentedAccessToken, requireAuth } from "../plugins/authenticate.js";
import { tokenReply } from "../token-reply.js";
import { TokenReply } from "../token-schemas.js";
import type { App, AppDeps } from "../types.js";
import { MessageReply, RefreshBody, SessionParams, SessionsReply } from "./sessions.schemas.js";

export function registerSessionRoutes(app: App, deps: AppDeps): void {
  const signedIn = authenticate(deps);

  app.post(
    "/auth/refresh",
    {
      schema: {
        tags: ["sessions"],
        summary: "Trade a refresh token (body or cookie) for a new pair; the old one dies",
        body: RefreshBody,
        response: { 200: TokenReply, 400: ErrorBody, 401: ErrorBody },
      },
    },
    async (request, reply) => {
      const presented = request.body?.refreshToken ?? request.cookies[REFRESH_COOKIE];
      const tokens = await refreshSession(deps, presented, clientContext(request));
      return tokenReply(reply, deps.config, tokens, "Session refreshed.");
    },
  );

  app.post(
    "/auth/logout",
    {
      schema: {
        tags: ["sessions"],
        summary:
          "End the session of a refresh token (body or cookie) or access token, and clear the cookies",
        body: RefreshBody,
        response: { 200: MessageReply, 400: ErrorBody },
      },
    },
    async (request, reply) => {
      await logout(
        deps,
        request.body?.refreshToken ?? request.cookies[REFRESH_COOKIE],
        presentedAccessToken(request),
      );
      clearSessionCookies(reply, deps.config);
      return ok("Signed out.");
    },
  );

  app.post(
    "/auth/logout-all",
    {
      preHandler: signedIn,
      schema: {
        tags: ["sessions"],
        summary: "End every session of the signed-in user",
        security: SIGNED_IN,
        response: { 200: MessageReply, 401: ErrorBody },
      },
    },
    async (request, reply) => {
      await logoutEverywhere(deps, requireAuth(request));
      clearSessionCookies(reply, deps.config);
      return ok("Signed out everywhere.");
    },
  );

  app.get(
    "/auth/sessions",
    {
      preHandler: signedIn,
      schema: {
        tags: ["sessions"],
        summary: "The signed-in user's live sessions",
        security: SIGNED_IN,
        response: { 200: SessionsReply, 401: ErrorBody },
      },
    },
    async (request) =>
      ok("Your sessions.", { sessions: await listSessions(deps, requireAuth(request)) }),
  );

  app.delete(
    "/auth/sessions/:id",
    {
      preHandler: signedIn,
      schema: {
        tags: ["sessions"],
        summary: "End one of the signed-in user's sessions",
        security: SIGNED_IN,
        params: SessionParams,
        response: { 200: MessageReply, 401: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      await revokeSession(deps, requireAuth(request), request.params.id);
      return ok("Session ended.");
    },
  );
}
