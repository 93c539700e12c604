/** What the multi-language suites share: the engine and the language hosts, or a pending suite with the reason. */
import { EngineFound, findEngine } from "../../local/engine/pulumi";
import { LanguageHostsFound, findLanguageHosts } from "../../local/engine/languageHosts";
import { requireEngine } from "../support/engine";

export function requireLanguageHosts(ctx: Mocha.Context): { engine: EngineFound; hosts: LanguageHostsFound } {
    const engine = requireEngine(ctx);
    const hosts = findLanguageHosts();
    if ("unavailable" in hosts) {
        if (process.env.RDS_IAM_REQUIRE_ENGINE === "1")
            throw new Error(
                `the language hosts are required here (RDS_IAM_REQUIRE_ENGINE=1): ${hosts.unavailable}`,
            );
        console.log(`      (not run: ${hosts.unavailable})`);
        ctx.skip();
    }
    return { engine, hosts: hosts as LanguageHostsFound };
}

/** Fails unless the check holds, naming the cause and the fix. */
export function need(holds: boolean, cause: string, fix: string): asserts holds {
    if (!holds) throw new Error(`${cause}\nFix: ${fix}`);
}

/**
 * The CLI and the language hosts, or a failure (never a skip) naming which is missing and the script
 * that builds it: for the suites whose subject is the other languages themselves.
 */
export function languageToolsOrFail(): { engine: EngineFound; hosts: LanguageHostsFound } {
    const engine = findEngine();
    need(
        !("unavailable" in engine),
        `no Pulumi CLI: ${"unavailable" in engine ? engine.unavailable : ""}`,
        "run `bash scripts/pulumi-engine.sh` (it builds the CLI from its Go module) and fix what it says",
    );
    const hosts = findLanguageHosts();
    need(
        !("unavailable" in hosts),
        `no language hosts (pulumi-language-yaml, the code generators): ${"unavailable" in hosts ? hosts.unavailable : ""}`,
        "run `bash scripts/language-hosts.sh` (it builds them from the Go module proxy) and fix what it says",
    );
    return { engine, hosts };
}
