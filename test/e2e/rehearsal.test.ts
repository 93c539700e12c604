import * as assert from "node:assert/strict";
import * as childProcess from "node:child_process";
import * as path from "node:path";
import { ConfigurationError, rehearse } from "../../local/rehearsal/rehearsal";
import { readStackFile } from "../../local/rehearsal/stackFile";
import { mismatches } from "../../local/report/model";
import { AccessReport } from "../../local/report/model";

const ROOT = path.resolve(__dirname, "..", "..");

describe("local rehearsal of the dev stack (npm run local)", function () {
    this.timeout(180_000);
    let report: AccessReport;
    before(async () => {
        report = await rehearse(readStackFile("dev"));
    });

    it("logs every workload in as exactly its users, and nobody else, through the emulated IAM auth", () => {
        assert.deepEqual(
            report.logins.map((l) => [l.principal, l.user, l.expected, l.observed]),
            [
                ["api", "app_rw", "allowed", "allowed"],
                ["api", "reporting_ro", "denied", "denied"],
                ["reports", "app_rw", "denied", "denied"],
                ["reports", "reporting_ro", "allowed", "allowed"],
                ["outsider", "app_rw", "denied", "denied"],
                ["outsider", "reporting_ro", "denied", "denied"],
            ],
        );
        assert.match(
            report.logins[1].reason,
            /^policy denies: nothing allows arn:aws:iam::123456789012:role\/api-role rds-db:connect on arn:aws:rds-db:us-east-1:123456789012:dbuser:db-[A-Z2-7]{26}\/reporting_ro$/,
        );
    });

    it("tries what each allowed login may do: one statement its privileges allow, one they do not", () => {
        assert.deepEqual(
            report.logins
                .filter((l) => l.observed === "allowed")
                .map((l) => [l.user, ...l.probes.map((p) => `${p.needs}: ${p.observed}`)]),
            [
                ["app_rw", "SELECT: succeeds", "TRUNCATE: refused"],
                ["reporting_ro", "SELECT: succeeds", "INSERT: refused"],
            ],
        );
        assert.equal(report.logins[3].probes[1].detail, "permission denied for table rds_iam_probe");
        assert.deepEqual(mismatches(report), []);
    });

    it("creates the users through the SQL runner, the dev stack's default, and names the workloads' identities", () => {
        assert.match(report.sqlRunner, /^the SQL runner function db-runner-function /);
        assert.deepEqual(
            report.principals.map((p) => [p.name, p.service, p.roleArn, p.instanceProfile, p.grants]),
            [
                ["api", "ec2", "arn:aws:iam::123456789012:role/api-role", "api-profile", ["app_rw"]],
                [
                    "reports",
                    "lambda",
                    "arn:aws:iam::123456789012:role/reports-role",
                    undefined,
                    ["reporting_ro"],
                ],
            ],
        );
    });

    it("agrees with the policy pack: no finding on the stack whose logins all went as granted", () => {
        assert.deepEqual(report.findings, []);
    });
});

describe("local rehearsal of other stack files", function () {
    this.timeout(180_000);

    it("rehearses the shipped prod example when Pulumi.prod.yaml does not exist, saying so, in the stack's region", async () => {
        const file = readStackFile("prod");
        assert.equal(file.file, "Pulumi.prod.yaml.example");
        assert.equal(
            file.notes[0],
            "Pulumi.prod.yaml does not exist: rehearsing the shipped example Pulumi.prod.yaml.example instead",
        );
        assert.match(
            file.notes[1],
            /^its placeholders are filled with fake ids for the rehearsal: vpc-REPLACE_ME → vpc-a/,
        );
        const report = await rehearse(file);
        assert.equal(report.region, "eu-west-1");
        assert.match(report.database.address, /\.eu-west-1\.rds\.amazonaws\.com$/);
        assert.deepEqual(mismatches(report), []);
    });

    it("reports every configuration problem at once, by its rds-iam: key, and rehearses nothing", async () => {
        const dev = readStackFile("dev");
        const error = await rehearse({
            ...dev,
            config: {
                ...dev.config,
                "rds-iam:workload": [],
                "rds-iam:engine": "aurora-postgresql",
                "rds-iam:multiAz": true,
                "rds-iam:allowedCidrBlocks": ["0.0.0.0/0"],
            },
        }).then(
            () => assert.fail("must refuse"),
            (e: Error) => e,
        );
        assert.ok(error instanceof ConfigurationError);
        const lines = error.message.split("\n");
        assert.equal(lines[0], `Pulumi.dev.yaml has ${lines.length - 1} problem(s):`);
        for (const key of ["rds-iam:workload", "rds-iam:multiAz", "rds-iam:allowedCidrBlocks[0]"]) {
            assert.ok(
                lines.some((l) => l.startsWith(`  ${key}: `)),
                `${key} in:\n${error.message}`,
            );
        }
    });

    it("fails a stack with nothing to rehearse instead of reporting 0 of 0 as success", async () => {
        const dev = readStackFile("dev");
        const { "rds-iam:workloads": _w, ...noWorkloads } = dev.config;
        await assert.rejects(rehearse({ ...dev, config: noWorkloads }), {
            message:
                "Pulumi.dev.yaml defines 2 database user(s) and 0 workload(s): nothing to rehearse. Add rds-iam:users and rds-iam:workloads (see Pulumi.dev.yaml).",
        });
    });

    function local(args: string[]) {
        return childProcess.spawnSync(
            process.execPath,
            ["--import", "tsx", "local/rehearsal/main.ts", ...args],
            {
                cwd: ROOT,
                encoding: "utf8",
            },
        );
    }

    it("answers a mistyped flag with the usage, not a stack trace (exit 2)", () => {
        const run = local(["--stak", "prod"]);
        assert.equal(run.status, 2);
        assert.match(run.stderr, /^npm run local: Unknown option '--stak'/);
        assert.match(run.stderr, /usage: npm run local \[-- --stack <name>\]/);
        assert.doesNotMatch(run.stderr, /\n\s+at /);
    });

    it("names the stack files there are when asked for one that does not exist (exit 2)", () => {
        const run = local(["--stack", "staging"]);
        assert.equal(run.status, 2);
        assert.equal(
            run.stderr.trim(),
            "npm run local: there is no Pulumi.staging.yaml (nor Pulumi.staging.yaml.example); stacks here: dev, prod. Create one with `pulumi stack init staging` and its settings, or pass --stack <one of those>.",
        );
    });
});
