import { Type } from "typebox";
import { SuccessFields } from "../../http/envelope.js";

export const ProviderParams = Type.Object({
  provider: Type.String({ maxLength: 32, description: "A provider id of OAUTH_PROVIDERS." }),
});

const RedirectTo = Type.String({
  maxLength: 2048,
  description: "Where to send the browser back; under APP_URL or a REDIRECT_ALLOWLIST prefix.",
});

export const AuthorizeQuery = Type.Object(
  {
    redirectTo: Type.Optional(RedirectTo),
    codeChallenge: Type.Optional(
      Type.String({
        pattern: "^[A-Za-z0-9_-]{43}$",
        description: "BASE64URL(SHA-256(the app's code verifier)), RFC 7636 S256.",
      }),
    ),
  },
  { additionalProperties: false },
);

export const LinkQuery = Type.Object(
  { redirectTo: Type.Optional(RedirectTo) },
  { additionalProperties: false },
);

/** Whatever the provider sends back (code, state, iss, error …): openid-client checks it. */
export const CallbackQuery = Type.Object(
  {},
  { additionalProperties: Type.String({ maxLength: 4096 }) },
);

/** A form_post answer's fields (Apple's: code, state, user on a first sign-in, or error). */
export const CallbackForm = Type.Record(Type.String(), Type.String({ maxLength: 4096 }), {
  maxProperties: 16,
});

export const TokenBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 128, description: "From the callback's ?code=." }),
    codeVerifier: Type.Optional(
      // RFC 7636 §4.1: 43 to 128 unreserved characters.
      Type.String({
        pattern: "^[A-Za-z0-9._~-]{43,128}$",
        description: "The app's PKCE verifier.",
      }),
    ),
  },
  { additionalProperties: false },
);

export const ProvidersReply = Type.Object({
  ...SuccessFields,
  providers: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
});

export const IdentityParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export const IdentitiesReply = Type.Object({
  ...SuccessFields,
  identities: Type.Array(
    Type.Object({
      id: Type.String(),
      provider: Type.String(),
      email: Type.Union([Type.String(), Type.Null()]),
      createdAt: Type.String({ format: "date-time" }),
    }),
  ),
});

export const MessageReply = Type.Object(SuccessFields);

export const Redirect = Type.Null({ description: "A redirect (Location header)." });
