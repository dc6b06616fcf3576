import type { Deps } from "../../domain/deps.js";
import type { App } from "../types.js";

/** The admin API (CONTRACT.md /admin/*). */
export function registerAdminRoutes(_app: App, _deps: Deps): void {}
