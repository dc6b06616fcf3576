import {
  createWebhook,
  deleteWebhook,
  listWebhooks,
  rotateWebhookSecret,
} from "../../domain/webhooks.js";
import { CLI_ACTOR, withRuntime } from "../open.js";
import { flagOption, requiredOption, stringOption } from "../options.js";
import { CliUsageError, type Command } from "../usage.js";

const ACTIONS = ["add", "list", "remove", "rotate-secret"] as const;
type Action = (typeof ACTIONS)[number];

export const webhooksCommand: Command = {
  summary: "add, list, remove webhook endpoints or rotate their secrets",
  help: `Usage: latchkey webhooks add --url URL [--events E1,E2 | --events '*'] [--description D]
       latchkey webhooks list [--json]
       latchkey webhooks remove --id ID
       latchkey webhooks rotate-secret --id ID

  add             a new endpoint for the events named (default '*', all); prints its
                  signing secret (whsec_…), which is not shown again
  list            every endpoint: id, enabled, events, URL (--json: one object per line)
  remove          the endpoint and its delivery log
  rotate-secret   a new secret, used from the next delivery on; prints it once

The same rules as the admin API: URLs that reach loopback, private or link-local addresses
are refused unless WEBHOOK_ALLOW_PRIVATE=true, and each change is audited.`,
  options: {
    url: { type: "string" },
    events: { type: "string" },
    description: { type: "string" },
    id: { type: "string" },
    json: { type: "boolean" },
  },
  async run({ values, positionals, config }) {
    const action = webhookAction(positionals);
    return withRuntime(config(), async ({ deps }) => {
      switch (action) {
        case "add": {
          const events = (stringOption(values, "events") ?? "*").split(",").map((e) => e.trim());
          const made = await createWebhook(deps, CLI_ACTOR, {
            url: requiredOption(values, "url"),
            events,
            description: stringOption(values, "description") ?? null,
          });
          console.log(`added webhook ${made.webhook.id} for ${made.webhook.events.join(",")}`);
          console.log(`secret (shown once): ${made.secret}`);
          return 0;
        }
        case "list": {
          for (const hook of await listWebhooks(deps)) {
            const { secretSealed: _sealed, ...shown } = hook;
            console.log(
              flagOption(values, "json")
                ? JSON.stringify(shown)
                : [
                    hook.id,
                    hook.enabled ? "enabled" : "disabled",
                    hook.events.join(","),
                    hook.url,
                  ].join("  "),
            );
          }
          return 0;
        }
        case "remove": {
          const id = requiredOption(values, "id");
          await deleteWebhook(deps, CLI_ACTOR, id);
          console.log(`removed webhook ${id}`);
          return 0;
        }
        case "rotate-secret": {
          const made = await rotateWebhookSecret(deps, CLI_ACTOR, requiredOption(values, "id"));
          console.log(`new secret for ${made.webhook.id} (shown once): ${made.secret}`);
          return 0;
        }
      }
    });
  },
};

function webhookAction(positionals: string[]): Action {
  const [action, ...rest] = positionals;
  const known = ACTIONS.find((name) => name === action);
  if (!known) {
    throw new CliUsageError(
      `webhooks needs one of ${ACTIONS.join(", ")}${action ? `, not "${action}"` : ""}`,
    );
  }
  if (rest.length > 0) throw new CliUsageError(`unexpected argument "${rest[0]}"`);
  return known;
}
