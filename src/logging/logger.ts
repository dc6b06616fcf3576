import { type Logger, type LoggerOptions, pino } from "pino";
import type { Config } from "../config/config.js";
import { REDACT_PATHS, redactUrl } from "../http/log-redaction.js";

interface LoggedRequest {
  method: string;
  url: string;
  id: string;
}

export const LOGGER_OPTIONS: LoggerOptions = {
  redact: { paths: REDACT_PATHS, censor: "[redacted]" },
  serializers: {
    req: (request: LoggedRequest) => ({
      method: request.method,
      url: redactUrl(request.url),
      id: request.id,
    }),
  },
};

export function createLogger(
  config: Pick<Config, "logLevel">,
  destination?: pino.DestinationStream,
): Logger {
  return pino({ ...LOGGER_OPTIONS, level: config.logLevel }, destination);
}
