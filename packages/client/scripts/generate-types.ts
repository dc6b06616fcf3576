import { writeFileSync } from "node:fs";
import { formattedSource, GENERATED_FILE, serverDocument } from "./generated-source.js";

writeFileSync(GENERATED_FILE, formattedSource(await serverDocument()));
console.log(`wrote ${GENERATED_FILE}`);
