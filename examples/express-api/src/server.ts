import { createApp } from "./app.js";

// LATCHKEY_URL is Latchkey's PUBLIC_URL; API_AUDIENCE must be one of its ACCESS_TOKEN_AUDIENCE
// (whose default is PUBLIC_URL, hence this default).
const latchkeyUrl = process.env.LATCHKEY_URL;
if (!latchkeyUrl) {
  console.error(
    "Set LATCHKEY_URL to your Latchkey's address, e.g. LATCHKEY_URL=http://localhost:3000",
  );
  process.exit(1);
}
const port = Number(process.env.PORT ?? 4000);
const app = createApp({
  issuer: latchkeyUrl,
  audience: process.env.API_AUDIENCE ?? latchkeyUrl,
  jwksUrl: process.env.LATCHKEY_JWKS_URL,
});
app.listen(port, process.env.HOST ?? "127.0.0.1", () => {
  console.log(`notes API listening on http://${process.env.HOST ?? "127.0.0.1"}:${port}`);
});
