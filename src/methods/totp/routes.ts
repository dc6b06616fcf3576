import { clientContext } from "../../http/client-context.js";
import { ErrorBody, ok, SIGNED_IN } from "../../http/envelope.js";
import { authenticate, requireAuth } from "../../http/plugins/authenticate.js";
import { tokenBody } from "../../http/token-reply.js";
import type { App, AppDeps } from "../../http/types.js";
import { confirmTotpFactor, startTotpEnrolment } from "./enrol.js";
import { listSecondFactors, regenerateRecoveryCodes, removeSecondFactor } from "./manage.js";
import {
  CodeBody,
  ConfirmReply,
  EnrolBody,
  EnrolReply,
  FactorIdParams,
  FactorParams,
  FactorsReply,
  MessageReply,
  RecoveryCodesReply,
} from "./schemas.js";

const TAGS = ["second factors"];

export function registerSecondFactorRoutes(app: App, deps: AppDeps): void {
  const signedIn = authenticate(deps);

  app.get(
    "/auth/mfa/factors",
    {
      preHandler: signedIn,
      schema: {
        tags: TAGS,
        summary: "The signed-in user's second factors and recovery codes left",
        security: SIGNED_IN,
        response: { 200: FactorsReply, 401: ErrorBody },
      },
    },
    async (request) => {
      const factors = await listSecondFactors(deps, requireAuth(request).sub);
      return ok("Second factors.", factors);
    },
  );

  app.post(
    "/auth/mfa/totp",
    {
      preHandler: signedIn,
      schema: {
        tags: TAGS,
        summary: "Start adding an authenticator app: an unconfirmed factor, its secret and QR code",
        security: SIGNED_IN,
        body: EnrolBody,
        response: { 201: EnrolReply, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const enrolment = await startTotpEnrolment(
        deps,
        requireAuth(request),
        request.body.name ?? null,
      );
      reply.code(201);
      return ok("Scan the code, then confirm with a code from the app.", enrolment);
    },
  );

  app.post(
    "/auth/mfa/totp/:factorId/confirm",
    {
      preHandler: signedIn,
      schema: {
        tags: TAGS,
        summary: "Confirm an authenticator with a code: a new session at aal2, others end",
        security: SIGNED_IN,
        params: FactorParams,
        body: CodeBody,
        response: { 200: ConfirmReply, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const confirmed = await confirmTotpFactor(
        deps,
        requireAuth(request),
        request.params.factorId,
        request.body.code,
        clientContext(request),
      );
      return ok("Authenticator added.", {
        ...tokenBody(reply, deps.config, confirmed.tokens),
        ...(confirmed.recoveryCodes ? { recoveryCodes: confirmed.recoveryCodes } : {}),
      });
    },
  );

  app.delete(
    "/auth/mfa/factors/:id",
    {
      preHandler: signedIn,
      schema: {
        tags: TAGS,
        summary: "Remove a second factor; the last one takes the recovery codes with it",
        security: SIGNED_IN,
        params: FactorIdParams,
        response: { 200: MessageReply, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      await removeSecondFactor(
        deps,
        requireAuth(request),
        request.params.id,
        clientContext(request),
      );
      return ok("Second factor removed.");
    },
  );

  app.post(
    "/auth/mfa/recovery-codes",
    {
      preHandler: signedIn,
      schema: {
        tags: TAGS,
        summary: "A new set of recovery codes; the earlier set stops working",
        security: SIGNED_IN,
        response: { 200: RecoveryCodesReply, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const recoveryCodes = await regenerateRecoveryCodes(deps, requireAuth(request));
      return ok("New recovery codes. The earlier ones no longer work.", { recoveryCodes });
    },
  );
}
