import { createBatcher } from "../../storage/batcher.js";
import type { MethodStoreBatching } from "../../storage/method-stores.js";
import type { ChallengeQuery } from "./store-port.js";

/**
 * The reads every POST /auth/mfa/verify starts with (the challenge with its failure state,
 * then the user's authenticators), shared by concurrent requests as the core's user and
 * session lookups are (storage/batching.ts). Writes stay one caller each: their single use
 * under concurrency is each UPDATE's own row check.
 */
export const secondFactorBatching: MethodStoreBatching = {
  secondFactors: (store) => {
    const listFactors = createBatcher((userIds: readonly string[]) =>
      store.listFactorsOfUsers(userIds),
    );
    const findLive = createBatcher((queries: readonly ChallengeQuery[]) =>
      store.findLiveChallengesWithFailures(queries),
    );
    return {
      ...store,
      listFactors,
      findLiveChallengeWithFailures: (tokenHash, now, method) =>
        findLive({ tokenHash, now, method }),
    };
  },
};
