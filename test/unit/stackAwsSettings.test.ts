import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Database } from "../../components/database";
import { databaseUserProvider } from "../../components/provider/provider";
import { masterPassword } from "../../components/provider/secrets";
import { installMocks, settle, valueOf } from "../../local/pulumi/mocks";
import { FakeSecretsManager, startFakeSecretsManager } from "../../local/aws/secretsManager";
import { FakeSts, startFakeSts } from "../../local/aws/sts";

const network = { vpcId: "vpc-0a1b2c3d", subnetIds: ["subnet-a", "subnet-b"] };
const ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0a1b2c3d-AbCdEf";
const DEFAULT_KEY = "AKIADEFAULTCHAIN0001";
const PROFILE_KEY = "AKIAPROFILEDEPLOYER1";

describe("the DatabaseUser provider reads the master secret with the stack's AWS settings (#12.7, real SDK, loopback endpoints)", () => {
    let sm: FakeSecretsManager;
    let sts: FakeSts;
    let dir: string;
    const saved: Record<string, string | undefined> = {};

    before(async () => {
        sm = await startFakeSecretsManager();
        sts = await startFakeSts();
        sm.secrets.set(ARN, JSON.stringify({ username: "dbmaster", password: "from-the-secret" }));
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-aws-"));
        fs.writeFileSync(
            path.join(dir, "credentials"),
            `[deployer]\naws_access_key_id = ${PROFILE_KEY}\naws_secret_access_key = profile-secret\n`,
        );
        fs.writeFileSync(path.join(dir, "config"), "[profile deployer]\nregion = eu-west-1\n");
        const env: Record<string, string | undefined> = {
            AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
            AWS_ENDPOINT_URL_STS: sts.endpoint,
            AWS_ACCESS_KEY_ID: DEFAULT_KEY,
            AWS_SECRET_ACCESS_KEY: "default-secret",
            AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "credentials"),
            AWS_CONFIG_FILE: path.join(dir, "config"),
            AWS_EC2_METADATA_DISABLED: "true",
            AWS_REGION: undefined,
            AWS_PROFILE: undefined,
            AWS_SESSION_TOKEN: undefined,
        };
        for (const [k, v] of Object.entries(env)) {
            saved[k] = process.env[k];
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
    });

    after(async () => {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
        await sm.close();
        await sts.close();
        fs.rmSync(dir, { recursive: true });
    });

    beforeEach(() => {
        sm.callers.length = 0;
        sts.calls.length = 0;
    });

    it("without settings, uses the default credential chain in the given region", async () => {
        const password = await masterPassword({ username: "dbmaster", secretArn: ARN }, "eu-west-1");
        assert.deepEqual(
            [password, sm.callers],
            ["from-the-secret", [{ accessKeyId: DEFAULT_KEY, region: "eu-west-1" }]],
        );
    });

    it("with aws:profile, signs with that profile's credentials from the shared files", async () => {
        await masterPassword(
            { username: "dbmaster", secretArn: ARN, aws: { profile: "deployer" } },
            "eu-west-1",
        );
        assert.deepEqual(sm.callers, [{ accessKeyId: PROFILE_KEY, region: "eu-west-1" }]);
    });

    it("with assume-role, assumes each role in turn with the previous credentials, then reads the secret as the last role", async () => {
        const first = "arn:aws:iam::123456789012:role/deployer-hop";
        const last = "arn:aws:iam::210987654321:role/database-admin";
        await masterPassword(
            {
                username: "dbmaster",
                secretArn: ARN,
                aws: {
                    profile: "deployer",
                    assumeRoles: [
                        { roleArn: first, sessionName: "ci-run" },
                        { roleArn: last, externalId: "tenant-42" },
                    ],
                },
            },
            "eu-west-1",
        );
        assert.deepEqual(
            [sts.calls, sm.callers],
            [
                [
                    { callerAccessKeyId: PROFILE_KEY, roleArn: first, sessionName: "ci-run" },
                    {
                        callerAccessKeyId: sts.accessKeyIdFor(first),
                        roleArn: last,
                        sessionName: "rds-iam-database-user",
                        externalId: "tenant-42",
                    },
                ],
                [{ accessKeyId: sts.accessKeyIdFor(last), region: "eu-west-1" }],
            ],
        );
    });
});

describe("Database passes the stack's AWS settings to its users' provider (#12.7)", () => {
    afterEach(() => pulumi.runtime.setAllConfig({}));

    async function usersMaster(
        config: Record<string, string>,
        makeOpts?: () => pulumi.ComponentResourceOptions,
    ) {
        const session = installMocks();
        pulumi.runtime.setAllConfig(config);
        const db = new Database(
            "orders",
            { engine: "postgres", ...network, users: [{ username: "app" }] },
            makeOpts?.(),
        );
        await valueOf(db.users.app.urn);
        await settle();
        const user = session.resources.find((r) => r.type === "pulumi-nodejs:dynamic/rds-iam:DatabaseUser")!;
        return { master: user.inputs.master, region: user.inputs.master.secretArn.split(":")[3] };
    }

    it("passes the stack's aws:profile, aws:assumeRoles and shared files, as names only", async () => {
        const { master } = await usersMaster({
            "aws:region": "us-east-1",
            "aws:profile": "deployer",
            "aws:sharedConfigFiles": JSON.stringify(["/ci/aws/config"]),
            "aws:assumeRoles": JSON.stringify([
                { roleArn: "arn:aws:iam::210987654321:role/database-admin", externalId: "tenant-42" },
            ]),
        });
        assert.deepEqual(master.aws, {
            profile: "deployer",
            sharedConfigFiles: ["/ci/aws/config"],
            assumeRoles: [
                { roleArn: "arn:aws:iam::210987654321:role/database-admin", externalId: "tenant-42" },
            ],
        });
    });

    it("passes an explicit aws.Provider's profile and role chain instead; the secret it reads is in that provider's region", async () => {
        const { master, region } = await usersMaster({}, () => ({
            providers: [
                new aws.Provider("ops", {
                    region: "eu-west-1",
                    profile: "ops",
                    assumeRoles: [
                        { roleArn: "arn:aws:iam::123456789012:role/ops-admin", sessionName: "ops-run" },
                    ],
                }),
            ],
        }));
        assert.deepEqual(
            [master.aws, region],
            [
                {
                    profile: "ops",
                    assumeRoles: [
                        { roleArn: "arn:aws:iam::123456789012:role/ops-admin", sessionName: "ops-run" },
                    ],
                },
                "eu-west-1",
            ],
        );
    });

    it("passes nothing when the stack has no such settings, leaving the default credential chain", async () => {
        const { master } = await usersMaster({ "aws:region": "us-east-1" });
        assert.equal("aws" in master, false);
    });

    it("refuses, at check(), settings that are not names: a malformed role ARN and a key where a profile goes", async () => {
        const result = await databaseUserProvider.check!(
            {},
            {
                engine: "postgres",
                host: "db.example.com",
                port: 5432,
                username: "app",
                master: {
                    username: "dbmaster",
                    secretArn: ARN,
                    aws: {
                        profile: "deployer",
                        accessKey: "AKIA…",
                        assumeRoles: [{ roleArn: "database-admin" }],
                    },
                },
            },
        );
        assert.deepEqual(result.failures, [
            {
                property: "master.aws.accessKey",
                reason: 'unknown setting "accessKey"; use profile, sharedConfigFiles, sharedCredentialsFiles, assumeRoles (names only: never keys)',
            },
            {
                property: "master.aws.assumeRoles[0].roleArn",
                reason: 'master.aws.assumeRoles[0].roleArn must be an IAM role ARN such as "arn:aws:iam::123456789012:role/deployer" (got "database-admin")',
            },
        ]);
    });
});
