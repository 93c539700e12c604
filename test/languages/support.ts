/** What the multi-language suites share: the engine and the language hosts, or a pending suite with the reason. */
import { EngineFound } from "../../local/engine/pulumi";
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
