import { METHOD_PURGES } from "../../composition/sign-in-methods.js";
import { DEFAULT_PURGE_BATCH_SIZE, purgeExpired } from "../../storage/purge.js";
import { withStores } from "../open.js";
import { noPositionals, positiveIntOption } from "../options.js";
import type { Command } from "../usage.js";

export const purgeExpiredCommand: Command = {
  summary: "delete expired codes, sessions, keys and old audit events",
  help: `Usage: latchkey purge-expired [--batch-size N]

Deletes expired verification codes and reset links, expired refresh sessions, signing keys
whose publication has ended, and audit events older than AUDIT_RETENTION. The server runs
the same purge every 10 minutes; this is for cron jobs and maintenance windows.

Rows go in batches, each one statement and its own short transaction, so a purge of
millions of rows can run beside live traffic: no login waits long on a lock it holds.

  --batch-size N   rows per statement (default ${DEFAULT_PURGE_BATCH_SIZE})`,
  options: { "batch-size": { type: "string" } },
  async run({ values, positionals, config }) {
    noPositionals("purge-expired", positionals);
    const batchSize = positiveIntOption(values, "batch-size") ?? DEFAULT_PURGE_BATCH_SIZE;
    const settings = config();
    return withStores(settings, async (stores) => {
      const report = await purgeExpired(stores, new Date(), {
        auditRetentionSeconds: settings.auditRetention,
        methods: METHOD_PURGES,
        batchSize,
      });
      console.log(
        `purged ${report.codes} codes, ${report.sessions} sessions, ${report.keys} keys, ${report.audit} audit events, ${report.mail} sent mails`,
      );
      if (report.webhooks > 0) console.log(`purged ${report.webhooks} webhook deliveries`);
      for (const [what, count] of Object.entries(report.methods ?? {})) {
        if (count > 0) console.log(`purged ${count} ${what}`);
      }
      return 0;
    });
  },
};
