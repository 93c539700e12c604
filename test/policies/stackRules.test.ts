import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import {
    connectTargetsExist,
    resourceRules,
    stackRules,
    tlsEnforced,
    usersGranted,
} from "../../policies/rules";
import { recordStack, stackConfig } from "../../local/pulumi/mocks";
import {
    Fixture,
    UNKNOWN,
    fromRecorded,
    runResourceRule,
    runStackRule,
} from "../../local/policies/ruleHarness";
import { AURORA_HOST, PG_ID, PROXY_ID, awsProvider, happyStack, policy, user } from "./fixtures";

const proxyArn = `arn:aws:rds-db:us-east-1:123456789012:dbuser:${PROXY_ID}/app_rw`;

const mandatory = (message: string) => [{ message, enforcement: "mandatory" }];

function replace(stack: Fixture[], name: string, props: Record<string, unknown>): Fixture[] {
    return stack.map((f) => (f.name === name ? { ...f, props: { ...f.props, ...props } } : f));
}

describe("policy pack stack rules", () => {
    it("pass on the happy-path stack", () => {
        for (const rule of stackRules) assert.deepEqual(runStackRule(rule, happyStack()), [], rule.name);
    });

    it("rds-iam-tls-enforced flags a parameter group that does not force TLS", () => {
        assert.deepEqual(
            runStackRule(
                tlsEnforced,
                replace(happyStack(), "orders-params", {
                    parameters: [{ name: "rds.force_ssl", value: "0" }],
                }),
            ),
            mandatory(
                '"orders" does not force TLS: parameter group "orders-params" must set rds.force_ssl=1 (it is "0").',
            ),
        );
    });

    it("rds-iam-tls-enforced flags a database on the default parameter group", () => {
        assert.deepEqual(
            runStackRule(tlsEnforced, replace(happyStack(), "orders", { parameterGroupName: undefined })),
            mandatory(
                '"orders" (postgres) uses the default parameter group; give it one in the stack that sets rds.force_ssl=1 (parameterGroupName).',
            ),
        );
    });

    it("rds-iam-tls-enforced flags an Aurora cluster parameter group without require_secure_transport", () => {
        assert.deepEqual(
            runStackRule(tlsEnforced, replace(happyStack(), "ledger-params", { parameters: [] })),
            mandatory(
                '"ledger" does not force TLS: parameter group "ledger-params" must set require_secure_transport=1 (it is not set).',
            ),
        );
    });

    it("rds-iam-tls-enforced flags a parameter group that is not in the stack", () => {
        assert.deepEqual(
            runStackRule(tlsEnforced, replace(happyStack(), "orders", { parameterGroupName: "shared-pg" })),
            mandatory(
                '"orders" uses parameter group "shared-pg", which is not in this stack; manage it here and set rds.force_ssl=1.',
            ),
        );
    });

    // The pack must hold the other languages' stacks unchanged (#26.5): their users are the provider
    // plugin's custom resources, with the same inputs and outputs as the dynamic ones.
    it("rds-iam-connect-targets-exist and rds-iam-users-granted know the plugin's users (rds-iam:index:DatabaseUser) as the dynamic ones", () => {
        const asPlugin = happyStack().map((f) =>
            f.type === "pulumi-nodejs:dynamic/rds-iam:DatabaseUser"
                ? { ...f, type: "rds-iam:index:DatabaseUser" }
                : f,
        );
        assert.ok(
            asPlugin.some((f) => f.type === "rds-iam:index:DatabaseUser"),
            "the stack has users",
        );
        assert.deepEqual(runStackRule(connectTargetsExist, asPlugin), []);
        assert.deepEqual(runStackRule(usersGranted, asPlugin), []);
        const ungranted = asPlugin.filter((f) => f.name !== "api-connect");
        assert.equal(
            runStackRule(usersGranted, ungranted).length > 0,
            true,
            "an ungranted plugin user is seen",
        );
    });

    it("rds-iam-connect-targets-exist flags a grant for a user the database does not define (case-exact)", () => {
        const stack = [
            ...happyStack().filter((f) => f.name !== "api-connect"),
            policy([`arn:aws:rds-db:us-east-1:123456789012:dbuser:${PG_ID}/App_RW`]),
        ];
        assert.deepEqual(
            runStackRule(connectTargetsExist, stack),
            mandatory(
                `"api-connect" grants arn:aws:rds-db:us-east-1:123456789012:dbuser:${PG_ID}/App_RW, but database "orders" has no DatabaseUser named exactly "App_RW".`,
            ),
        );
    });

    it("rds-iam-connect-targets-exist flags a grant on a database that is not in the stack, unless listed as external", () => {
        const stack = [
            ...happyStack().filter((f) => f.name !== "api-connect"),
            policy(["arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ELSEWHERE/app_rw"]),
        ];
        assert.deepEqual(
            runStackRule(connectTargetsExist, stack),
            mandatory(
                '"api-connect" grants arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ELSEWHERE/app_rw, but no database or RDS Proxy in this stack has resource id db-ELSEWHERE; grant a user of this stack\'s databases, or list db-ELSEWHERE in externalResourceIds.',
            ),
        );
        assert.deepEqual(
            runStackRule(connectTargetsExist, stack, { externalResourceIds: ["db-ELSEWHERE"] }),
            [],
        );
    });

    it("rds-iam-connect-targets-exist flags a grant on a database without IAM authentication", () => {
        assert.deepEqual(
            runStackRule(
                connectTargetsExist,
                replace(happyStack(), "orders", { iamDatabaseAuthenticationEnabled: false }),
            ),
            mandatory(
                `"api-connect" grants arn:aws:rds-db:us-east-1:123456789012:dbuser:${PG_ID}/app_rw, but database "orders" does not have IAM authentication enabled.`,
            ),
        );
    });

    it("rds-iam-connect-targets-exist cannot decide while the policy document is unknown and says so as an advisory", () => {
        assert.deepEqual(
            runStackRule(connectTargetsExist, replace(happyStack(), "api-connect", { policy: UNKNOWN })),
            [
                {
                    message:
                        "can't run policy 'rds-iam-connect-targets-exist' during preview: string value at .policy can't be known during preview",
                    enforcement: "advisory",
                },
            ],
        );
    });

    it("rds-iam-connect-targets-exist recognises a grant to an RDS Proxy of the stack by the prx- id ending its ARN", () => {
        const stack = [...happyStack().filter((f) => f.name !== "api-connect"), policy([proxyArn])];
        assert.deepEqual(runStackRule(connectTargetsExist, stack), []);
        const withoutProxy = stack.filter((f) => f.name !== "orders-proxy");
        assert.deepEqual(
            runStackRule(connectTargetsExist, withoutProxy),
            mandatory(
                `"api-connect" grants ${proxyArn}, but no database or RDS Proxy in this stack has resource id ${PROXY_ID}; grant a user of this stack's databases, or list ${PROXY_ID} in externalResourceIds.`,
            ),
        );
    });

    for (const [what, wrong, message] of [
        [
            "region",
            `arn:aws:rds-db:eu-west-1:123456789012:dbuser:${PG_ID}/app_rw`,
            "region eu-west-1 (not us-east-1)",
        ],
        [
            "account",
            `arn:aws:rds-db:us-east-1:999999999999:dbuser:${PG_ID}/app_rw`,
            "account 999999999999 (not 123456789012)",
        ],
        [
            "partition",
            `arn:aws-us-gov:rds-db:us-east-1:123456789012:dbuser:${PG_ID}/app_rw`,
            "partition aws-us-gov (not aws)",
        ],
    ]) {
        it(`rds-iam-connect-targets-exist flags a grant in the wrong ${what} for the database it names, read from the database's ARN`, () => {
            const stack = [...happyStack().filter((f) => f.name !== "api-connect"), policy([wrong])];
            assert.deepEqual(
                runStackRule(connectTargetsExist, stack),
                mandatory(
                    `"api-connect" grants ${wrong}, but database "orders" is elsewhere by its ARN arn:aws:rds:us-east-1:123456789012:db:orders: ${message}. IAM compares the whole ARN, so this grant never lets anyone in; grant arn:aws:rds-db:us-east-1:123456789012:dbuser:${PG_ID}/app_rw.`,
                ),
            );
        });
    }

    it("rds-iam-connect-targets-exist reads the region from the stack's AWS provider when the database's ARN is not known", () => {
        const stack = [
            ...replace(happyStack(), "orders", { arn: undefined }).filter((f) => f.name !== "api-connect"),
            policy([`arn:aws:rds-db:us-east-1:123456789012:dbuser:${PG_ID}/app_rw`]),
        ].map((f) => (f.type === "pulumi:providers:aws" ? awsProvider("eu-central-1") : f));
        assert.deepEqual(
            runStackRule(connectTargetsExist, stack),
            mandatory(
                `"api-connect" grants arn:aws:rds-db:us-east-1:123456789012:dbuser:${PG_ID}/app_rw, but database "orders" is elsewhere by the AWS provider config ("default_7_0_0"): region us-east-1 (not eu-central-1). IAM compares the whole ARN, so this grant never lets anyone in; grant arn:aws:rds-db:eu-central-1:123456789012:dbuser:${PG_ID}/app_rw.`,
            ),
        );
    });

    it("rds-iam-connect-targets-exist flags a grant on an external database in another partition than the stack's provider", () => {
        const cn = "arn:aws-cn:rds-db:cn-north-1:123456789012:dbuser:db-ELSEWHERE/app_rw";
        const stack = [...happyStack().filter((f) => f.name !== "api-connect"), policy([cn])];
        assert.deepEqual(
            runStackRule(connectTargetsExist, stack, { externalResourceIds: ["db-ELSEWHERE"] }),
            mandatory(
                `"api-connect" grants ${cn} in partition aws-cn, but this stack's principals live in aws (the AWS provider config ("default_7_0_0")); a grant across partitions never applies.`,
            ),
        );
    });

    it("rds-iam-users-granted advises about a user nobody may log in as", () => {
        assert.deepEqual(runStackRule(usersGranted, [...happyStack(), user(AURORA_HOST, "orphan")]), [
            {
                message: `DatabaseUser "orphan" on ${AURORA_HOST} is not granted to any principal in this stack.`,
                enforcement: "advisory",
            },
        ]);
    });
});

/** The prod example as an operator fills it in: its REPLACE_ME placeholders become real-looking ids. */
function prodExampleConfig(): Record<string, unknown> {
    const text = fs
        .readFileSync(path.resolve(__dirname, "..", "..", "Pulumi.prod.yaml.example"), "utf8")
        .replace(/vpc-REPLACE_ME/g, "vpc-0a1b2c3d4e5f60789")
        .replace(
            /subnet-REPLACE_ME_AZ_(\w)/g,
            (_m, az: string) => `subnet-0${az.toLowerCase()}1b2c3d4e5f6078`,
        )
        .replace(/sg-REPLACE_ME_APP_TIER/g, "sg-0a1b2c3d4e5f60789");
    return (YAML.parse(text) as { config: Record<string, unknown> }).config;
}

describe("the dev stack and the prod example under the policy pack", function () {
    this.timeout(60_000);

    for (const [stack, config] of [
        ["dev (Pulumi.dev.yaml)", () => stackConfig("dev")],
        ["prod example (Pulumi.prod.yaml.example)", prodExampleConfig],
    ] as const) {
        it(`${stack} passes every rule, mandatory and advisory, on the resources index.ts registers`, async () => {
            const fixtures = fromRecorded((await recordStack(config())).resources);
            assert.ok(
                fixtures.some((f) => f.type === "aws:iam/policy:Policy"),
                "the stack grants something",
            );
            const findings = [
                ...resourceRules.flatMap((rule) => fixtures.flatMap((f) => runResourceRule(rule, f))),
                ...stackRules.flatMap((rule) => runStackRule(rule, fixtures)),
            ];
            assert.deepEqual(findings, []);
        });
    }

    it("would be stopped if a workload were granted a user the database does not define", async () => {
        const fixtures = fromRecorded((await recordStack(stackConfig("dev"))).resources);
        const tampered = fixtures.map((f) =>
            f.type === "aws:iam/policy:Policy" && f.name === "api-connect"
                ? { ...f, props: { ...f.props, policy: f.props.policy.replace("/app_rw", "/App_RW") } }
                : f,
        );
        const findings = runStackRule(connectTargetsExist, tampered);
        assert.equal(findings.length, 1);
        assert.match(
            findings[0].message,
            /^"api-connect" grants arn:aws:rds-db:us-east-1:123456789012:dbuser:db-[A-Z2-7]{26}\/App_RW, but database "db-instance" has no DatabaseUser named exactly "App_RW"\.$/,
        );
    });
});
