/**
 * The stack program with rds-iam:proxy and rds-iam:workloads[].via: the config keys (off by
 * default, every bad value named by its key with the fix), the resources and outputs under mocks,
 * and the policy pack over them (the proxy rules included) finding nothing mandatory.
 */
import * as assert from "node:assert/strict";
import { resourceRules, stackRules } from "../../policies/rules";
import { fromRecorded, runPack, toPolicyResources } from "../../local/policies/ruleHarness";
import { indexProxies } from "../../policies/lib/proxies";
import {
    ACCOUNT_ID,
    fakeResourceSuffix,
    projectConfigDefaults,
    recordStack,
    stackConfig,
} from "../../local/pulumi/mocks";
import { checkStackConfig } from "../../stack/config";

/** The dev stack's config as the CLI hands it to the program, with changes. */
function devConfig(changes: Record<string, unknown> = {}): Record<string, string> {
    const merged: Record<string, unknown> = { ...projectConfigDefaults(), ...stackConfig("dev"), ...changes };
    return Object.fromEntries(
        Object.entries(merged).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
}

const problems = (changes: Record<string, unknown>) =>
    checkStackConfig(devConfig(changes)).failures.map((f) => [f.property, f.reason]);

const VIA_PROXY = {
    "rds-iam:workloads": [
        { name: "api", service: "ec2", users: ["app_rw"] },
        { name: "reports", service: "lambda", users: ["reporting_ro"], via: "proxy" },
    ],
};

describe("stack config: rds-iam:proxy and rds-iam:workloads[].via", () => {
    it("is off by default: the dev stack has no proxy and every workload connects directly", () => {
        const { config, failures } = checkStackConfig(devConfig());
        assert.deepEqual(failures, []);
        assert.equal(config!.proxy, undefined);
        assert.deepEqual(
            config!.workloads.map((w) => w.via),
            ["database", "database"],
        );
    });

    it("enabled, gives the proxy exactly the users of the workloads via proxy and the database's sources", () => {
        const { config, failures } = checkStackConfig(
            devConfig({ ...VIA_PROXY, "rds-iam:proxy": { enabled: true } }),
        );
        assert.deepEqual(failures, []);
        assert.deepEqual(config!.proxy, {
            users: ["reporting_ro"],
            allowedSecurityGroupIds: [],
            allowedCidrBlocks: ["10.20.0.0/16"],
        });
        assert.deepEqual(
            config!.workloads.map((w) => w.via),
            ["database", "proxy"],
        );
    });

    it("reads settings given as strings by pulumi config set --path", () => {
        const { config } = checkStackConfig(
            devConfig({
                ...VIA_PROXY,
                "rds-iam:proxy": {
                    enabled: "true",
                    idleClientTimeout: "600",
                    maxConnectionsPercent: "40",
                    debugLogging: "false",
                },
            }),
        );
        assert.deepEqual(
            [
                config!.proxy!.idleClientTimeout,
                config!.proxy!.maxConnectionsPercent,
                config!.proxy!.debugLogging,
            ],
            [600, 40, false],
        );
    });

    it("refuses a bad via, naming the key and the fix", () => {
        assert.deepEqual(
            problems({
                "rds-iam:workloads": [{ name: "api", service: "ec2", users: ["app_rw"], via: "pooler" }],
            }),
            [
                [
                    "rds-iam:workloads[0].via",
                    'via must be "proxy" (through rds-iam:proxy) or "database" (directly, the default); got "pooler"',
                ],
            ],
        );
    });

    it("refuses via: proxy while the proxy is not enabled", () => {
        assert.deepEqual(problems(VIA_PROXY), [
            [
                "rds-iam:workloads[1].via",
                'this workload connects through the proxy, but rds-iam:proxy is not enabled; set rds-iam:proxy.enabled true, or via "database"',
            ],
        ]);
    });

    it("refuses a proxy no workload connects through, a proxy without enabled, an unknown setting and a bad boolean", () => {
        assert.deepEqual(problems({ "rds-iam:proxy": { enabled: true } }), [
            [
                "rds-iam:proxy",
                "the proxy would log in as nobody: give at least one of rds-iam:workloads via: proxy, or set rds-iam:proxy.enabled false",
            ],
        ]);
        assert.deepEqual(problems({ "rds-iam:proxy": { idleClientTimeout: 600 } }), [
            [
                "rds-iam:proxy.enabled",
                "set rds-iam:proxy.enabled true to create the proxy (it is off by default), or remove rds-iam:proxy",
            ],
        ]);
        assert.deepEqual(problems({ ...VIA_PROXY, "rds-iam:proxy": { enabled: "yes", pool: 3 } }), [
            [
                "rds-iam:proxy.pool",
                "unknown setting; the settings are enabled, users, allowedSecurityGroupIds, allowedCidrBlocks, subnetIds, idleClientTimeout, maxConnectionsPercent, debugLogging",
            ],
            ["rds-iam:proxy.enabled", 'must be true or false (got "yes")'],
            [
                "rds-iam:workloads[1].via",
                'this workload connects through the proxy, but rds-iam:proxy is not enabled; set rds-iam:proxy.enabled true, or via "database"',
            ],
        ]);
        assert.deepEqual(problems({ "rds-iam:proxy": [true] }), [
            [
                "rds-iam:proxy",
                "must be an object such as { enabled: true } (pulumi config set --path 'rds-iam:proxy.enabled' true)",
            ],
        ]);
    });

    it("refuses proxy users that are unknown or that no workload reaches through the proxy, and a via-proxy user the proxy lacks", () => {
        assert.deepEqual(
            problems({
                "rds-iam:workloads": [
                    { name: "api", service: "ec2", users: ["app_rw"], via: "proxy" },
                    { name: "reports", service: "lambda", users: ["reporting_ro"], via: "proxy" },
                ],
                "rds-iam:proxy": { enabled: true, users: ["app_rw", "ghost"] },
            }),
            [
                [
                    "rds-iam:proxy.users[1]",
                    'user "ghost" is not defined in rds-iam:users (app_rw, reporting_ro); add it there or fix the name',
                ],
                [
                    "rds-iam:workloads[1].users[0]",
                    'user "reporting_ro" is not one of rds-iam:proxy.users (app_rw, ghost), so the proxy could not log in as it; add it there, or connect this workload via "database"',
                ],
            ],
        );
        assert.deepEqual(
            problems({ ...VIA_PROXY, "rds-iam:proxy": { enabled: true, users: ["reporting_ro", "app_rw"] } }),
            [
                [
                    "rds-iam:proxy.users[1]",
                    'no workload reaches "app_rw" through the proxy, and the policy pack refuses a proxy role that may connect as such a user (rds-iam-proxy-role-users); remove it, or give a workload of "app_rw" via: proxy',
                ],
            ],
        );
    });

    it("refuses the DatabaseProxy's own limits under rds-iam:proxy's keys, and placeholder ids", () => {
        assert.deepEqual(
            problems({
                ...VIA_PROXY,
                "rds-iam:proxy": {
                    enabled: true,
                    maxConnectionsPercent: 0,
                    idleClientTimeout: 30000,
                    allowedSecurityGroupIds: ["sg-REPLACE_ME"],
                    allowedCidrBlocks: ["0.0.0.0/0"],
                    subnetIds: ["subnet-0aa1bb2cc3dd4ee51"],
                },
            }).map(([key]) => key),
            [
                "rds-iam:proxy.allowedSecurityGroupIds[0]",
                "rds-iam:proxy.subnetIds",
                "rds-iam:proxy.allowedCidrBlocks[0]",
                "rds-iam:proxy.idleClientTimeout",
                "rds-iam:proxy.maxConnectionsPercent",
            ],
        );
    });

    it("refuses an engine version RDS Proxy does not support, under rds-iam:proxy", () => {
        assert.deepEqual(
            problems({
                ...VIA_PROXY,
                "rds-iam:engine": "aurora-mysql",
                "rds-iam:engineVersion": "5.7.mysql_aurora.2.09.3",
                "rds-iam:proxy": { enabled: true },
            }).map(([key]) => key),
            ["rds-iam:proxy"],
        );
    });
});

describe("Pulumi.prod.yaml.example's worked proxy", () => {
    it("once its placeholders are replaced, makes a proxy for the via-proxy workload's user, admitting the app tier", () => {
        const fs = require("node:fs") as typeof import("node:fs");
        const path = require("node:path") as typeof import("node:path");
        const yaml = require("yaml") as typeof import("yaml");
        const text = fs
            .readFileSync(path.resolve(__dirname, "..", "..", "Pulumi.prod.yaml.example"), "utf8")
            .replace("vpc-REPLACE_ME", "vpc-0a1b2c3d4e5f60789")
            .replace(
                /subnet-REPLACE_ME_AZ_([ABC])/g,
                (_, az: string) => `subnet-0aa1bb2cc3dd4ee5${az.toLowerCase()}`,
            )
            .replace("sg-REPLACE_ME_APP_TIER", "sg-0123456789abcdef0");
        const example = yaml.parse(text).config as Record<string, unknown>;
        const raw = Object.fromEntries(
            Object.entries({ ...projectConfigDefaults(), ...example }).map(([k, v]) => [
                k,
                typeof v === "string" ? v : JSON.stringify(v),
            ]),
        );
        const { config, failures } = checkStackConfig(raw);
        assert.deepEqual(failures, []);
        assert.deepEqual(config!.proxy, {
            users: ["analytics_ro"],
            allowedSecurityGroupIds: ["sg-0123456789abcdef0"],
            allowedCidrBlocks: [],
            idleClientTimeout: 900,
            maxConnectionsPercent: 50,
        });
        assert.deepEqual(
            config!.workloads.map((w) => [w.name, w.via]),
            [
                ["api", "database"],
                ["analytics", "proxy"],
            ],
        );
    });
});

describe("the stack program with a proxy", () => {
    const config = { ...stackConfig("dev"), ...VIA_PROXY, "rds-iam:proxy": { enabled: true } };

    it("exports proxyEndpoint, and grants a via-proxy workload only dbuser:prx-…/<user>", async () => {
        const { resources, outputs } = await recordStack(config);
        assert.equal(outputs.proxyEndpoint, "db-proxy.proxy-c0ffee0example.us-east-1.rds.amazonaws.com");
        const policyOf = (name: string) =>
            JSON.parse(
                resources.find((r) => r.type === "aws:iam/policy:Policy" && r.name === name)!.inputs.policy,
            ).Statement[0].Resource;
        const prx = `prx-${fakeResourceSuffix("db-proxy").toLowerCase().slice(0, 17)}`;
        assert.deepEqual(policyOf("reports-connect"), [
            `arn:aws:rds-db:us-east-1:${ACCOUNT_ID}:dbuser:${prx}/reporting_ro`,
        ]);
        assert.deepEqual(policyOf("api-connect"), [
            `arn:aws:rds-db:us-east-1:${ACCOUNT_ID}:dbuser:db-${fakeResourceSuffix("db-instance")}/app_rw`,
        ]);
    });

    it("exports no proxyEndpoint without a proxy", async () => {
        const { outputs, resources } = await recordStack(stackConfig("dev"));
        assert.equal(outputs.proxyEndpoint, undefined);
        assert.deepEqual(
            resources.filter((r) => r.type.startsWith("aws:rds/proxy")),
            [],
        );
    });

    it("passes every rule of the policy pack, the proxy rules included, as the dev stack does", async () => {
        const mandatory = (findings: ReturnType<typeof runPack>) =>
            findings.filter((f) => f.enforcement === "mandatory").map((f) => `${f.rule}: ${f.message}`);
        const withProxy = runPack((await recordStack(config)).resources, {
            resource: resourceRules,
            stack: stackRules,
        });
        const without = runPack((await recordStack(stackConfig("dev"))).resources, {
            resource: resourceRules,
            stack: stackRules,
        });
        assert.deepEqual(mandatory(withProxy), []);
        assert.deepEqual(
            withProxy.map((f) => f.rule).sort(),
            without.map((f) => f.rule).sort(),
            "the proxy adds no finding, advisory or mandatory",
        );
    });

    it("is seen whole by the pack's proxy rules: its role, its target, and the user granted through it; without its role's policy the pack refuses it", async () => {
        const { resources } = await recordStack(config);
        const [facts] = indexProxies(toPolicyResources(fromRecorded(resources)) as never).proxies;
        assert.deepEqual(
            [facts.endToEndIam, facts.role?.name, facts.targets.map((t) => t.name), [...facts.users.keys()]],
            [true, "db-proxy-role", ["db-instance"], ["reporting_ro"]],
        );
        const withoutPolicy = resources.filter((r) => r.name !== "db-proxy-connect");
        assert.deepEqual(
            runPack(withoutPolicy, { resource: resourceRules, stack: stackRules })
                .filter((f) => f.enforcement === "mandatory")
                .map((f) => f.rule),
            ["rds-iam-proxy-role-connects"],
        );
    });
});
