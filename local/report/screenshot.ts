/**
 * A picture of a page as a person sees it: Debian's Chromium, headless, on a local file. Flags keep
 * it off the network (this machine has none but package registries) and, as root, out of the sandbox
 * Chromium refuses to set up there.
 */
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export function chromiumPath(): string | undefined {
    return ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => fs.existsSync(p));
}

/** Screenshots `htmlFile` into `pngFile` at the given viewport; fails with Chromium's own output. */
export function screenshot(htmlFile: string, pngFile: string, width = 1400, height = 1800): void {
    const chromium = chromiumPath();
    if (chromium === undefined) {
        throw new Error(
            "Chromium is not installed: run sudo apt-get install -y chromium (or: sudo bash scripts/install-system-deps.sh)",
        );
    }
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-chromium-"));
    try {
        const result = childProcess.spawnSync(
            chromium,
            [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                `--user-data-dir=${profile}`,
                `--window-size=${width},${height}`,
                `--screenshot=${pngFile}`,
                `file://${path.resolve(htmlFile)}`,
            ],
            { encoding: "utf8", timeout: 60_000 },
        );
        if (!fs.existsSync(pngFile)) {
            throw new Error(
                `Chromium made no screenshot (exit ${result.status}): ${result.stderr.slice(-2000)}`,
            );
        }
    } finally {
        fs.rmSync(profile, { recursive: true, force: true });
    }
}
