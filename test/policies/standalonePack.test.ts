import * as assert from "node:assert/strict";
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const POLICIES = path.resolve(__dirname, "..", "..", "policies");

function sh(command: string, args: string[], cwd: string): string {
    return childProcess.execFileSync(command, args, {
        cwd,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, npm_config_loglevel: "error" },
    });
}

/**
 * Loads the rules module (never index.ts: `new PolicyPack()` starts a server) from the installed
 * copy with the ts-node and TypeScript the pack depends on, type-checking as Pulumi's policy-pack
 * runner does, then runs one rule on a grant written with a wildcard.
 */
const LOADER = `
const path = require("node:path");
const pkg = path.join(__dirname, "node_modules", "rds-iam-policies");
require("ts-node").register({ project: path.join(pkg, "tsconfig.json"), typeCheck: true, skipIgnore: true });
const rules = require("rds-iam-policies/rules");
const findings = [];
rules.connectStatements.validateResource(
    {
        type: "aws:iam/policy:Policy",
        name: "wild",
        props: { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "rds-db:conn*", Resource: "*" }] }) },
        getConfig: () => ({ allowWildcards: false, region: "", accountId: "" }),
    },
    (message) => findings.push(message),
);
console.log(JSON.stringify({
    rules: [...rules.resourceRules, ...rules.stackRules].map((r) => r.name),
    policyFrom: path.relative(__dirname, require.resolve("@pulumi/policy", { paths: [pkg] })),
    findings,
}));
`;

describe("the policy pack installs on its own", function () {
    this.timeout(300_000);

    it("packs, installs from the tarball into an empty project with only its declared dependencies, and loads every rule", () => {
        const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-policies-"));
        try {
            const tarball = sh("npm", ["pack", "--silent", "--pack-destination", scratch], POLICIES)
                .trim()
                .split("\n")
                .pop() as string;
            fs.writeFileSync(
                path.join(scratch, "package.json"),
                JSON.stringify({ name: "another-repo", private: true, version: "1.0.0" }),
            );
            sh(
                "npm",
                ["install", "--prefer-offline", "--no-audit", "--no-fund", path.join(scratch, tarball)],
                scratch,
            );
            fs.writeFileSync(path.join(scratch, "load.js"), LOADER);
            const loaded = JSON.parse(sh(process.execPath, ["load.js"], scratch).trim());
            assert.deepEqual(loaded, {
                rules: [
                    "rds-iam-iam-auth-enabled",
                    "rds-iam-storage-encrypted",
                    "rds-iam-not-publicly-accessible",
                    "rds-iam-backups-retained",
                    "rds-iam-connect-statements",
                    "rds-iam-connect-conditions",
                    "rds-iam-no-rds-full-access",
                    "rds-iam-no-master-secret-read",
                    "rds-iam-proxy-iam-auth",
                    "rds-iam-tls-enforced",
                    "rds-iam-replica-iam-auth",
                    "rds-iam-connect-targets-exist",
                    "rds-iam-users-granted",
                    "rds-iam-connect-role-trust",
                    "rds-iam-proxy-role-connects",
                    "rds-iam-proxy-role-users",
                    "rds-iam-proxy-role-trust",
                    "rds-iam-iam-master-no-secret-read",
                    "rds-iam-cannot-decide",
                ],
                policyFrom: path.join("node_modules", "@pulumi", "policy", "index.js"),
                findings: [
                    '"wild" statement 0: action "rds-db:conn*" grants rds-db:connect through a wildcard (and any other action it matches); use "rds-db:connect".',
                    '"wild" statement 0: resource "*" grants rds-db:connect as every user of every database in every region and account; name the users (arn:aws:rds-db:<region>:<account>:dbuser:<resource id>/<user>).',
                ],
            });
        } finally {
            fs.rmSync(scratch, { recursive: true, force: true });
        }
    });
});
