import * as assert from "node:assert/strict";
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

function sh(command: string, args: string[], cwd: string): string {
    return childProcess.execFileSync(command, args, {
        cwd,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, npm_config_loglevel: "error" },
    });
}

/** A TypeScript program of another team: builds a Database and a DatabaseAccessRole under mocks. */
const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
pulumi.runtime.setMocks({
    newResource: (a) => ({ id: a.name + "-id", state: a.type === "aws:rds/instance:Instance"
        ? { ...a.inputs, resourceId: "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ", address: "orders.c0ffee.us-east-1.rds.amazonaws.com", port: 5432,
            masterUserSecrets: [{ secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1", secretStatus: "active", kmsKeyId: "k" }] }
        : a.type === "aws:iam/role:Role" ? { ...a.inputs, name: a.name, arn: "arn:aws:iam::123456789012:role/" + a.name }
        : a.type === "aws:iam/policy:Policy" ? { ...a.inputs, arn: "arn:aws:iam::123456789012:policy/" + a.name } : a.inputs }),
    call: (a) => a.token === "aws:index/getRegion:getRegion" ? { region: "us-east-1", name: "us-east-1" }
        : a.token === "aws:index/getCallerIdentity:getCallerIdentity" ? { accountId: "123456789012" }
        : a.token === "aws:index/getPartition:getPartition" ? { partition: "aws" }
        : a.token === "aws:secretsmanager/getSecretVersion:getSecretVersion" ? { secretString: "{\\"password\\":\\"x\\"}" } : a.inputs,
}, "consumer", "dev", false);

import { Database, DatabaseAccessRole, dbUserArn } from "rds-iam";

const db = new Database("orders", { engine: "postgres", vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"], users: [{ username: "app", privileges: ["SELECT"] }] });
const role = new DatabaseAccessRole("api", { service: "ec2", grants: [{ database: db, username: "app" }] });
pulumi.all([db.resourceId, role.policyDocument, role.roleArn]).apply(([id, doc, arn]) => {
    console.log(JSON.stringify({ id, doc: JSON.parse(doc), arn, userNames: db.userNames,
        arnFn: dbUserArn({ region: "eu-west-1", accountId: "123456789012", resourceId: "db-ABCDEFGHIJKLMNOPQRSTUVWX", username: "app" }) }));
});
`;

describe("rds-iam as a library in another project", function () {
    this.timeout(300_000);

    it("installs from its npm pack tarball and builds a Database and a DatabaseAccessRole in a TypeScript program", () => {
        const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-consumer-"));
        try {
            const tarball = sh("npm", ["pack", "--silent", "--pack-destination", scratch], ROOT)
                .trim()
                .split("\n")
                .pop() as string;
            fs.writeFileSync(
                path.join(scratch, "package.json"),
                JSON.stringify({ name: "consumer", private: true, version: "1.0.0" }),
            );
            sh(
                "npm",
                [
                    "install",
                    "--prefer-offline",
                    "--no-audit",
                    "--no-fund",
                    path.join(scratch, tarball),
                    "@pulumi/pulumi@3",
                ],
                scratch,
            );
            fs.writeFileSync(path.join(scratch, "index.ts"), PROGRAM);
            fs.writeFileSync(
                path.join(scratch, "tsconfig.json"),
                JSON.stringify({
                    compilerOptions: {
                        strict: true,
                        module: "commonjs",
                        target: "ES2022",
                        moduleResolution: "node",
                        skipLibCheck: true,
                        types: [],
                        outDir: "out",
                    },
                    files: ["index.ts"],
                }),
            );
            sh(
                process.execPath,
                [require.resolve("typescript/bin/tsc", { paths: [ROOT] }), "-p", "."],
                scratch,
            );
            const output = JSON.parse(sh(process.execPath, ["out/index.js"], scratch).trim());
            assert.deepEqual(output, {
                id: "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                doc: {
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Action: ["rds-db:connect"],
                            Resource: [
                                "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXYZ/app",
                            ],
                        },
                    ],
                },
                arn: "arn:aws:iam::123456789012:role/api-role",
                userNames: ["app"],
                arnFn: "arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWX/app",
            });
        } finally {
            fs.rmSync(scratch, { recursive: true, force: true });
        }
    });
});
