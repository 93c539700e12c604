import * as assert from "node:assert/strict";
import * as childProcess from "node:child_process";
import * as path from "node:path";

const POLICIES = path.resolve(__dirname, "..", "..", "policies");

describe("the policy pack served as a real analyzer over gRPC", function () {
    this.timeout(90_000);
    let child: childProcess.ChildProcess;
    let client: any;
    const grpc = require("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
    const services = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
    const messages = require("@pulumi/pulumi/proto/analyzer_pb");
    const struct = require("google-protobuf/google/protobuf/struct_pb");
    const empty = require("google-protobuf/google/protobuf/empty_pb");
    const call = <T>(method: string, request: unknown): Promise<T> =>
        new Promise((resolve, reject) =>
            client[method](request, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))),
        );

    before(async () => {
        // As `pulumi preview --policy-pack policies` does: run the pack's program in its folder; it prints its port.
        child = childProcess.spawn(process.execPath, ["--import", "tsx", "index.ts"], {
            cwd: POLICIES,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stderr = "";
        child.stderr!.on("data", (d) => (stderr += d));
        const port = await new Promise<number>((resolve, reject) => {
            let out = "";
            child.stdout!.on("data", (d) => {
                out += d;
                const m = /^(\d+)\s*$/m.exec(out);
                if (m) resolve(Number(m[1]));
            });
            child.once("exit", (code) => reject(new Error(`policy pack exited (${code}): ${stderr}`)));
        });
        client = new services.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });
    after(() => {
        client?.close();
        child?.kill("SIGTERM");
    });

    it("loads and lists every rule of the pack", async () => {
        const info = await call<any>("getAnalyzerInfo", new empty.Empty());
        assert.equal(info.getName(), "rds-iam");
        assert.deepEqual(
            info
                .getPoliciesList()
                .map((p: any) => p.getName())
                .sort(),
            [
                "rds-iam-backups-retained",
                "rds-iam-cannot-decide",
                "rds-iam-connect-conditions",
                "rds-iam-connect-role-trust",
                "rds-iam-connect-statements",
                "rds-iam-connect-targets-exist",
                "rds-iam-iam-auth-enabled",
                "rds-iam-iam-master-no-secret-read",
                "rds-iam-no-master-secret-read",
                "rds-iam-no-rds-full-access",
                "rds-iam-not-publicly-accessible",
                "rds-iam-proxy-iam-auth",
                "rds-iam-proxy-role-connects",
                "rds-iam-proxy-role-trust",
                "rds-iam-proxy-role-users",
                "rds-iam-replica-iam-auth",
                "rds-iam-storage-encrypted",
                "rds-iam-tls-enforced",
                "rds-iam-users-granted",
            ],
        );
    });

    it("reports a mandatory violation for an instance without IAM authentication, as preview shows it", async () => {
        const req = new messages.AnalyzeRequest();
        req.setType("aws:rds/instance:Instance");
        req.setName("legacy");
        req.setUrn("urn:pulumi:dev::rds-iam::aws:rds/instance:Instance::legacy");
        const options = new messages.AnalyzerResourceOptions();
        options.setCustomtimeouts(new messages.AnalyzerResourceOptions.CustomTimeouts());
        req.setOptions(options);
        req.setProperties(
            struct.Struct.fromJavaScript({
                engine: "mysql",
                iamDatabaseAuthenticationEnabled: false,
                storageEncrypted: true,
                publiclyAccessible: false,
                backupRetentionPeriod: 7,
            }),
        );
        const res = await call<any>("analyze", req);
        const diagnostics = res.getDiagnosticsList().map((d: any) => ({
            policy: d.getPolicyname(),
            pack: d.getPolicypackname(),
            message: d.getMessage(),
            level: d.getEnforcementlevel(),
        }));
        assert.deepEqual(diagnostics, [
            {
                policy: "rds-iam-iam-auth-enabled",
                pack: "rds-iam",
                // The engine prints the rule's description, then the violation.
                message:
                    "Every RDS instance and Aurora cluster whose engine supports it has IAM database authentication enabled.\n" +
                    'RDS instance "legacy" (mysql) does not enable IAM database authentication; set iamDatabaseAuthenticationEnabled: true.',
                level: messages.EnforcementLevel.MANDATORY,
            },
        ]);
    });
});
