import * as assert from "node:assert/strict";
import { databaseUserProvider as provider } from "../../components/provider/provider";
import { FakeSecretsManager, startFakeSecretsManager } from "../../local/aws/secretsManager";
import { TestServers, getTestServers } from "../../local/servers";
import { rdsMysqlMasterSetup } from "../../local/servers/rdsPrivileges";
import { userInputs } from "../../local/servers/userInputs";

const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0a1b2c3d-AbCdEf";
const ENV = {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: "",
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_REGION: "",
    AWS_PROFILE: "",
};

describe("master password from Secrets Manager (real SDK client, loopback endpoint)", function () {
    this.timeout(60_000);
    let servers: TestServers;
    let sm: FakeSecretsManager;
    const saved: Record<string, string | undefined> = {};

    before(async () => {
        servers = await getTestServers();
        sm = await startFakeSecretsManager();
        for (const [k, v] of Object.entries({ ...ENV, AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint })) {
            saved[k] = process.env[k];
            if (v === "") delete process.env[k];
            else process.env[k] = v;
        }
    });
    after(async () => {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
        await sm.close();
        await servers.mariadb.query("DROP USER IF EXISTS 'sm_user'@'%'");
    });

    function inputs() {
        return userInputs(servers.mariadb, "sm_user", {
            master: { username: servers.mariadb.master.username, secretArn: ARN },
        });
    }

    it("reads the managed secret by ARN at each operation and logs in with it", async () => {
        sm.secrets.set(
            ARN,
            JSON.stringify({ username: "master_admin", password: servers.mariadb.master.password }),
        );
        const checked = await provider.check!({}, inputs());
        const { id, outs } = await provider.create(checked.inputs);
        assert.deepEqual(sm.requests, [`secretsmanager.GetSecretValue ${ARN}`]);
        await provider.delete!(id, outs);
        assert.equal(sm.requests.length, 2);
    });

    it("follows a rotated password without any change to the inputs", async () => {
        const m = servers.mariadb;
        // A second master with RDS's grant list, set up as root.
        for (const sql of rdsMysqlMasterSetup("rotating_master", "first-password", (v) => `'${v}'`)) {
            await m.inspect(sql);
        }
        const rotatingInputs = userInputs(m, "sm_user", {
            master: { username: "rotating_master", secretArn: ARN },
        });
        sm.secrets.set(ARN, JSON.stringify({ username: "rotating_master", password: "first-password" }));
        const { id, outs } = await provider.create((await provider.check!({}, rotatingInputs)).inputs);
        // Secrets Manager rotates the password; the state still holds only the ARN.
        await m.inspect("ALTER USER 'rotating_master'@'%' IDENTIFIED BY 'second-password'");
        sm.secrets.set(ARN, JSON.stringify({ username: "rotating_master", password: "second-password" }));
        await provider.delete!(id, outs);
        assert.deepEqual(await m.query("SELECT User FROM mysql.user WHERE User = 'sm_user'"), []);
        await m.inspect("DROP USER 'rotating_master'@'%'");
    });

    it("explains an access-denied answer without creating anything", async () => {
        sm.denied.add(ARN);
        try {
            await assert.rejects(provider.create((await provider.check!({}, inputs())).inputs), {
                message: `cannot read the master secret ${ARN}: AccessDeniedException: User: arn:aws:iam::123456789012:user/deployer is not authorized to perform: secretsmanager:GetSecretValue on resource: ${ARN}. The identity running pulumi needs secretsmanager:GetSecretValue on it (and kms:Decrypt on its key).`,
            });
        } finally {
            sm.denied.delete(ARN);
        }
        assert.deepEqual(
            await servers.mariadb.query("SELECT User FROM mysql.user WHERE User = 'sm_user'"),
            [],
        );
    });

    it("refuses a secret that is not an RDS credentials JSON", async () => {
        sm.secrets.set(ARN, "just-a-string");
        await assert.rejects(provider.create((await provider.check!({}, inputs())).inputs), {
            message: `the master secret ${ARN} is not JSON with a "password" field, as RDS managed secrets are`,
        });
    });
});
