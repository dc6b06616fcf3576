import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import { clientContext } from "../../http/client-context.js";
import { ErrorBody, ok, SIGNED_IN } from "../../http/envelope.js";
import { authenticate, requireAuth } from "../../http/plugins/authenticate.js";
import { signInReply } from "../../http/token-reply.js";
import { SignInReply } from "../../http/token-schemas.js";
import type { App, AppDeps } from "../../http/types.js";
import { passkeyLogin, passkeyLoginOptions } from "./login.js";
import { listPasskeys, removePasskey, renamePasskey } from "./manage.js";
import { passkeyRegistrationOptions, registerPasskey } from "./register.js";
import {
  CreationOptionsReply,
  LoginBody,
  LoginOptionsBody,
  MessageReply,
  PasskeyParams,
  PasskeyReply,
  PasskeysReply,
  RegisterBody,
  RenameBody,
  RequestOptionsReply,
} from "./schemas.js";

const TAGS = ["passkeys"];

export function registerPasskeyRoutes(app: App, deps: AppDeps): void {
  const signedIn = authenticate(deps);

  app.post(
    "/auth/passkeys/register/options",
    {
      preHandler: signedIn,
      schema: {
        tags: TAGS,
        summary: "Options for the browser to create a passkey for the signed-in user",
        security: SIGNED_IN,
        response: { 200: CreationOptionsReply, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request) => {
      const options = await passkeyRegistrationOptions(deps, requireAuth(request));
      return ok("Create the passkey with these options.", options);
    },
  );

  app.post(
    "/auth/passkeys/register",
    {
      preHandler: signedIn,
      schema: {
        tags: TAGS,
        summary: "Keep the passkey the browser created; its owner is mailed",
        security: SIGNED_IN,
        body: RegisterBody,
        response: { 201: PasskeyReply, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const passkey = await registerPasskey(
        deps,
        requireAuth(request),
        {
          // Checked by the schema; the library verifies every member it reads.
          response: request.body.response as RegistrationResponseJSON,
          name: request.body.name ?? null,
        },
        clientContext(request),
      );
      reply.code(201);
      return ok("Passkey added.", { passkey });
    },
  );

  app.post(
    "/auth/passkeys/login/options",
    {
      schema: {
        tags: TAGS,
        summary: "Options for a passkey sign-in; the same whatever the email",
        body: LoginOptionsBody,
        response: { 200: RequestOptionsReply },
      },
    },
    async (request) => {
      const options = await passkeyLoginOptions(deps, clientContext(request));
      return ok("Sign in with a passkey using these options.", options);
    },
  );

  app.post(
    "/auth/passkeys/login",
    {
      schema: {
        tags: TAGS,
        summary: "Sign in with a passkey: aal2 when the authenticator verified the user",
        body: LoginBody,
        response: { 200: SignInReply, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const result = await passkeyLogin(
        deps,
        request.body.response as AuthenticationResponseJSON,
        clientContext(request),
      );
      return signInReply(reply, deps.config, result, "Signed in.");
    },
  );

  app.get(
    "/auth/passkeys",
    {
      preHandler: signedIn,
      schema: {
        tags: TAGS,
        summary: "The signed-in user's passkeys",
        security: SIGNED_IN,
        response: { 200: PasskeysReply, 401: ErrorBody },
      },
    },
    async (request) => {
      const passkeys = await listPasskeys(deps, requireAuth(request).sub);
      return ok("Passkeys.", { passkeys });
    },
  );

  app.patch(
    "/auth/passkeys/:id",
    {
      preHandler: signedIn,
      schema: {
        tags: TAGS,
        summary: "Rename one of the signed-in user's passkeys",
        security: SIGNED_IN,
        params: PasskeyParams,
        body: RenameBody,
        response: { 200: PasskeyReply, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const passkey = await renamePasskey(
        deps,
        requireAuth(request),
        request.params.id,
        request.body.name,
        clientContext(request),
      );
      return ok("Passkey renamed.", { passkey });
    },
  );

  app.delete(
    "/auth/passkeys/:id",
    {
      preHandler: signedIn,
      schema: {
        tags: TAGS,
        summary: "Remove one of the signed-in user's passkeys; its owner is mailed",
        security: SIGNED_IN,
        params: PasskeyParams,
        response: { 200: MessageReply, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      await removePasskey(deps, requireAuth(request), request.params.id, clientContext(request));
      return ok("Passkey removed.");
    },
  );
}
