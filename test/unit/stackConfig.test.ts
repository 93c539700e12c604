import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { checkStackConfig } from "../../stack/config";
import { CONFIG_KEYS, UNDECLARED_KEYS, closestKey } from "../../stack/configKeys";
import { projectConfigDefaults, recordStack, stackConfig } from "../../local/pulumi/mocks";

/** The dev stack's config as the CLI hands it to the program: project defaults, then the stack file. */
function devConfig(changes: Record<string, unknown> = {}, without: string[] = []): Record<string, string> {
    const merged: Record<string, unknown> = { ...projectConfigDefaults(), ...stackConfig("dev"), ...changes };
    for (const key of without) delete merged[key];
    return Object.fromEntries(
        Object.entries(merged).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
}

function problems(raw: Record<string, string>) {
    return checkStackConfig(raw).failures.map((f) => [f.property, f.reason]);
}

describe("stack configuration errors in one round (#16)", () => {
    it("reads the dev stack into typed values: the engine, each workload's service and the Database's Args", () => {
        const { config, failures } = checkStackConfig(devConfig());
        assert.deepEqual(failures, []);
        assert.deepEqual(
            [config!.engine, config!.workloads.map((w) => w.service), config!.database.allowedCidrBlocks],
            ["postgres", ["ec2", "lambda"], ["10.20.0.0/16"]],
        );
    });

    it("lists stack-config and component problems together, each by its rds-iam: key", async () => {
        const config = {
            ...stackConfig("dev"),
            "rds-iam:engine": "mariadb",
            "rds-iam:users": [
                { username: "app_rw", privileges: ["SELECT", "INSERT", "UPDATE", "TRUNCATE"] },
                { username: "reporting_ro", privileges: ["SELECT"] },
            ],
            "rds-iam:workloads": [{ name: "api", service: "glue", users: ["app_rw", "ghost"] }],
            "rds-iam:reportingDatabase": "false",
        };
        await assert.rejects(recordStack(config), (e: unknown) => {
            assert.ok(pulumi.InputPropertiesError.isInstance(e));
            assert.deepEqual(
                (e as pulumi.InputPropertiesError).errors.map((f) => f.propertyPath),
                [
                    "rds-iam:workloads[0].users[1]",
                    "rds-iam:workloads[0].service",
                    "rds-iam:users[0].privileges[3]",
                ],
            );
            assert.equal(
                (e as pulumi.InputPropertiesError).message.split("\n")[0],
                'stack "dev" configuration has invalid arguments:',
            );
            return true;
        });
    });

    it("refuses a misspelt key, suggesting the closest known one", () => {
        const raw = devConfig({ "rds-iam:workload": [{ name: "api", service: "ec2", users: ["app_rw"] }] });
        assert.deepEqual(problems(raw), [
            [
                "rds-iam:workload",
                "unknown key; did you mean rds-iam:workloads? (pulumi config rm rds-iam:workload)",
            ],
        ]);
    });

    it("lists the known keys when an unknown key is close to none", () => {
        assert.deepEqual(
            [closestKey("flavour"), closestKey("deletionprotection"), closestKey("engin")],
            [undefined, "deletionProtection", "engine"],
        );
    });

    it("refuses multiAz on Aurora instead of dropping it", () => {
        const raw = devConfig({ "rds-iam:engine": "aurora-postgresql", "rds-iam:multiAz": true });
        assert.deepEqual(problems(raw), [
            ["rds-iam:multiAz", "multiAz is for instance engines; for Aurora set instances: 2 or more"],
        ]);
    });

    it("refuses an attachToUsers entry that is not an IAM user name", () => {
        const raw = devConfig({
            "rds-iam:workloads": [
                { name: "api", service: "ec2", users: ["app_rw"], attachToUsers: ["bad user!"] },
            ],
        });
        assert.deepEqual(problems(raw), [
            [
                "rds-iam:workloads[0].attachToUsers[0]",
                '"bad user!" is not an IAM user name: use up to 64 letters, digits and + = , . @ _ -',
            ],
        ]);
    });

    it("refuses the example file's placeholders, naming each key", () => {
        const raw = devConfig({
            "rds-iam:vpcId": "vpc-REPLACE_ME",
            "rds-iam:subnetIds": ["subnet-REPLACE_ME_AZ_A", "subnet-0aa1bb2cc3dd4ee51"],
            "rds-iam:allowedSecurityGroupIds": ["sg-REPLACE_ME_APP_TIER"],
        });
        assert.deepEqual(problems(raw), [
            [
                "rds-iam:vpcId",
                '"vpc-REPLACE_ME" is a placeholder of the example stack file; put a VPC id such as vpc-0a1b2c3d4e5f60789 of your account there',
            ],
            [
                "rds-iam:subnetIds[0]",
                '"subnet-REPLACE_ME_AZ_A" is a placeholder of the example stack file; put a subnet id such as subnet-0aa1bb2cc3dd4ee51 of your account there',
            ],
            [
                "rds-iam:allowedSecurityGroupIds[0]",
                '"sg-REPLACE_ME_APP_TIER" is a placeholder of the example stack file; put a security group id such as sg-0123456789abcdef0 of your account there',
            ],
        ]);
    });

    it("refuses 0.0.0.0/0 unless rds-iam:allowOpenCidr says so", () => {
        const open = { "rds-iam:allowedCidrBlocks": ["10.20.0.0/16", "0.0.0.0/0"] };
        assert.deepEqual(problems(devConfig(open)), [
            [
                "rds-iam:allowedCidrBlocks[1]",
                '"0.0.0.0/0" opens the database port to the whole internet; give the CIDR of your VPC, VPN or bastion (or set allowOpenCidr: true if you truly mean it)',
            ],
        ]);
        assert.deepEqual(problems(devConfig({ ...open, "rds-iam:allowOpenCidr": true })), []);
    });

    it("refuses a stack with no IAM users: it would grant nothing", () => {
        assert.deepEqual(problems(devConfig({ "rds-iam:workloads": [] }, ["rds-iam:users"])), [
            [
                "rds-iam:users",
                "no IAM database users; list at least one { username, privileges } (pulumi config set --path 'rds-iam:users[0].username' app_rw)",
            ],
        ]);
    });

    it("reports a missing VPC and subnets and a bad boolean together, without stopping at the first", () => {
        const raw = devConfig({ "rds-iam:deletionProtection": "yes" }, [
            "rds-iam:vpcId",
            "rds-iam:subnetIds",
        ]);
        assert.deepEqual(problems(raw), [
            ["rds-iam:vpcId", "required; pulumi config set rds-iam:vpcId vpc-0a1b2c3d4e5f60789"],
            [
                "rds-iam:subnetIds",
                "required; pulumi config set --path 'rds-iam:subnetIds[0]' subnet-…, and [1] in another availability zone",
            ],
            ["rds-iam:deletionProtection", 'must be true or false (got "yes")'],
        ]);
    });

    it("asks for the admin provider before a MySQL reporting database", () => {
        const raw = devConfig({ "rds-iam:engine": "mysql", "rds-iam:reportingDatabase": true });
        assert.deepEqual(
            problems(raw).map(([key]) => key),
            ["rds-iam:reportingDatabase"],
        );
        assert.deepEqual(problems(devConfig({ "rds-iam:engine": "mysql" })), []);
    });

    it("reads the keys Pulumi.yaml declares and the optional ones its header documents, and no others", () => {
        const yaml = require("yaml") as typeof import("yaml");
        const text = fs.readFileSync(path.resolve(__dirname, "..", "..", "Pulumi.yaml"), "utf8");
        const project = yaml.parse(text);
        assert.deepEqual(
            Object.keys(project.config).sort(),
            CONFIG_KEYS.filter((k) => !UNDECLARED_KEYS.includes(k)).sort(),
        );
        const header = text.slice(0, text.indexOf("\nconfig:"));
        assert.deepEqual(
            UNDECLARED_KEYS.filter((k) => !new RegExp(`^#\\s+(\\w+, )*${k}\\b`, "m").test(header)),
            [],
        );
    });
});

describe("the shipped example stack files", () => {
    it("Pulumi.dev.yaml passes every config rule", () => {
        const { failures } = checkStackConfig(devConfig());
        assert.deepEqual(failures, []);
    });

    it("Pulumi.prod.yaml.example is refused until its placeholders are replaced, and only for them", () => {
        const yaml = require("yaml") as typeof import("yaml");
        const example = yaml.parse(
            fs.readFileSync(path.resolve(__dirname, "..", "..", "Pulumi.prod.yaml.example"), "utf8"),
        ).config as Record<string, unknown>;
        const raw = Object.fromEntries(
            Object.entries({ ...projectConfigDefaults(), ...example }).map(([k, v]) => [
                k,
                typeof v === "string" ? v : JSON.stringify(v),
            ]),
        );
        assert.deepEqual(
            checkStackConfig(raw).failures.map((f) => f.property),
            [
                "rds-iam:vpcId",
                "rds-iam:subnetIds[0]",
                "rds-iam:subnetIds[1]",
                "rds-iam:subnetIds[2]",
                "rds-iam:allowedSecurityGroupIds[0]",
            ],
        );
    });
});
