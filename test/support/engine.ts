/**
 * The real Pulumi engine for a test suite: found or built by scripts/pulumi-engine.sh (npm's pretest
 * builds it first), else the suite is reported as pending with the one-line reason — never as passed.
 * With RDS_IAM_REQUIRE_ENGINE=1 (CI) a missing engine fails the suite instead.
 */
import { EngineFound, findEngine } from "../../local/engine/pulumi";

export function requireEngine(ctx: Mocha.Context): EngineFound {
    const engine = findEngine();
    if ("unavailable" in engine) {
        if (process.env.RDS_IAM_REQUIRE_ENGINE === "1")
            throw new Error(
                `the real Pulumi engine is required here (RDS_IAM_REQUIRE_ENGINE=1): ${engine.unavailable}`,
            );
        console.log(`      (not run: ${engine.unavailable})`);
        ctx.skip();
    }
    return engine as EngineFound;
}

/** A pulumi command's output, for assertion messages. */
export function transcript(r: { code: number; stdout: string; stderr: string }): string {
    return `exit ${r.code}\n${r.stdout.slice(-12000)}\n${r.stderr.slice(-4000)}`;
}
