import type { UserRecord } from "../storage/ports.js";
import type { UserRole, UserStatus } from "../storage/schema.js";

/** The only shape of a user that leaves the service: no hash, no token. */
export interface PublicUser {
  id: string;
  email: string;
  name: string | null;
  username: string | null;
  status: UserStatus;
  role: UserRole;
  emailVerified: boolean;
  mfaEnabled: boolean;
  createdAt: string;
}

export function toPublicUser(user: UserRecord): PublicUser {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    username: user.username,
    status: user.status,
    role: user.role,
    emailVerified: user.emailVerifiedAt !== null,
    mfaEnabled: user.mfaEnabled,
    createdAt: user.createdAt.toISOString(),
  };
}
