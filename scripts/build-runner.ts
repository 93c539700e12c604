/**
 * `npm run build` step: the SQL runner function's code as one self-contained file, bin/runner/index.js
 * (shipped in the package; the SqlRunner component deploys it as the function's archive).
 */
import * as path from "node:path";
import { buildRunnerBundle } from "../components/runner/bundle";

const outFile = path.resolve(__dirname, "..", "bin", "runner", "index.js");
const bytes = buildRunnerBundle(outFile);
console.error(`${path.relative(process.cwd(), outFile)}: ${(bytes / 1024).toFixed(0)} KiB`);
