/**
 * The language plugins of the multi-language tests (scripts/language-hosts.sh): Pulumi YAML's host
 * and the codegen plugin for `pulumi package gen-sdk`, or why they cannot be had here.
 */
import * as childProcess from "node:child_process";
import * as path from "node:path";
import { REPO } from "./pulumi";

export interface LanguageHostsFound {
    /** Holds pulumi-language-yaml and rds-iam-codegen: put it on PATH to run YAML programs. */
    readonly binDir: string;
    /** pulumi-language-python / pulumi-language-go that only generate SDKs: PATH for gen-sdk only. */
    readonly genSdkDir: string;
    readonly codegen: string;
}

let found: LanguageHostsFound | { readonly unavailable: string } | undefined;

export function findLanguageHosts(): LanguageHostsFound | { readonly unavailable: string } {
    if (found !== undefined) return found;
    const script = childProcess.spawnSync("bash", [path.join(REPO, "scripts", "language-hosts.sh")], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
    });
    if (script.status !== 0) {
        found = {
            unavailable:
                script.stderr.trim().split("\n").pop() ?? `scripts/language-hosts.sh exited ${script.status}`,
        };
        return found;
    }
    const binDir = script.stdout.trim().split("\n").pop() as string;
    found = {
        binDir,
        genSdkDir: path.join(binDir, "gen-sdk"),
        codegen: path.join(binDir, "rds-iam-codegen"),
    };
    return found;
}
