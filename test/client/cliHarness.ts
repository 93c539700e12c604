/** Runs the rds-iam CLI as a subprocess (the real launcher) or in process, in an isolated environment. */
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCli } from "../../components/client/cli";
import { ClientCommand } from "../../components/client/cliCommand";
import { TokenCache } from "../../components/client/tokenCache";

export const LAUNCHER = path.join(__dirname, "..", "..", "cli", "rds-iam.js");
export const ENDPOINT = "mydb.c0ffee0example.us-east-1.rds.amazonaws.com";
export const USAGE_HINT = "run `rds-iam help` for usage and examples\n";
export const FAKE_KEYS = {
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};

/** Create inside a `describe`: a scratch directory for the suite, removed after it. */
export class CliHarness {
    scratch = "";

    constructor() {
        before(() => {
            this.scratch = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-cli-test-"));
        });
        after(() => fs.rmSync(this.scratch, { recursive: true, force: true }));
    }

    /** An environment with no AWS configuration at all, IMDS disabled, and files under the scratch dir. */
    isolatedEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
        return {
            PATH: process.env.PATH,
            HOME: this.scratch,
            TMPDIR: this.scratch,
            AWS_EC2_METADATA_DISABLED: "true",
            AWS_CONFIG_FILE: path.join(this.scratch, "no-aws-config"),
            AWS_SHARED_CREDENTIALS_FILE: path.join(this.scratch, "no-aws-credentials"),
            ...extra,
        };
    }

    runLauncher(args: string[], env: NodeJS.ProcessEnv) {
        const result = childProcess.spawnSync(process.execPath, [LAUNCHER, ...args], {
            env,
            encoding: "utf8",
            timeout: 30_000,
        });
        return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    }

    /** Runs the CLI in-process with a fixed token and records what it would spawn. */
    async runInProcess(args: string[], env: NodeJS.ProcessEnv) {
        let stdout = "";
        let stderr = "";
        const spawned: ClientCommand[] = [];
        const code = await runCli(args, {
            env,
            stdout: (t) => (stdout += t),
            stderr: (t) => (stderr += t),
            tokenCache: new TokenCache({
                signer: async (r) => `${r.host}:${r.port}/?Action=connect&DBUser=${r.username}`,
            }),
            run: async (command) => {
                spawned.push(command);
                return 0;
            },
        });
        return { code, stdout, stderr, spawned };
    }

    /** A directory holding one executable shell script `name`. */
    fakeBinDir(name: string, script: string): string {
        const dir = fs.mkdtempSync(path.join(this.scratch, `bin-${name}-`));
        fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
        return dir;
    }
}
