import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from "fastify";
import type { Config } from "../config/config.js";
import type { Deps } from "../domain/deps.js";

/** The Fastify instance routes are registered on: request types flow from the TypeBox schemas. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/**
 * What the HTTP layer and the pages are given: the domain's Deps, but with the whole Config
 * (cookies, branding), where the domain itself sees only its DomainConfig slice.
 */
export type AppDeps = Deps & { readonly config: Config };
