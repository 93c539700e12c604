/** The SQL runner bundle's size, as `npm run build` makes it: what every Database's function deploys. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { buildRunnerBundle } from "../components/runner/bundle";

export function benchRunnerBundle(): { kib: number; gzipKib: number } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-bench-runner-"));
    try {
        const file = path.join(dir, "index.js");
        const bytes = buildRunnerBundle(file);
        const gzip = zlib.gzipSync(fs.readFileSync(file)).length;
        return { kib: Math.round(bytes / 1024), gzipKib: Math.round(gzip / 1024) };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
