/**
 * `npm run local` under the real engine (local/rehearsal/engineRehearsal.ts): the dev stack deployed
 * by `pulumi up --policy-pack policies` into the local cloud gives the same logins as the mocks
 * rehearsal; the policy pack's lines are read from the CLI's own output.
 */
import * as assert from "node:assert/strict";
import * as childProcess from "node:child_process";
import { REPO } from "../../local/engine/pulumi";
import { engineFindings, rehearseWithEngine } from "../../local/rehearsal/engineRehearsal";
import { readStackFile } from "../../local/rehearsal/stackFile";
import { accessGraph, renderSvg } from "../../local/report/graph";
import { accessReportHtml } from "../../local/report/html";
import { AccessReport, mismatches } from "../../local/report/model";
import { requireEngine } from "../support/engine";

describe("npm run local under the real Pulumi engine", function () {
    this.timeout(300_000);

    it("reads the pack's violations and advisories as the CLI prints them", () => {
        const out = [
            "Policies:",
            "    ❌ rds-iam@v0.1.0 (local: /x/policies)",
            "        - [mandatory] [severity: critical]  rds-iam-not-publicly-accessible  (aws:rds:Instance: db-instance)",
            "          No RDS instance or Aurora cluster instance has a public address.",
            '          "db-instance" is publicly accessible; set publiclyAccessible: false.',
            "        - [advisory] [severity: low]  rds-iam-users-granted  (pulumi:pulumi:Stack: rds-iam-dev)",
            "          can't run policy 'rds-iam-users-granted' during preview: string value at .policy can't be known during preview",
            "",
        ].join("\n");
        assert.deepEqual(engineFindings(out), [
            {
                rule: "rds-iam-not-publicly-accessible",
                enforcement: "mandatory",
                message:
                    'aws:rds:Instance: db-instance: "db-instance" is publicly accessible; set publiclyAccessible: false.',
            },
            {
                rule: "rds-iam-users-granted",
                enforcement: "advisory",
                message:
                    "pulumi:pulumi:Stack: rds-iam-dev: can't run policy 'rds-iam-users-granted' during preview: string value at .policy can't be known during preview",
            },
        ]);
    });

    describe("the dev stack", () => {
        let report: AccessReport;
        before(async function () {
            this.timeout(900_000);
            report = await rehearseWithEngine(readStackFile("dev"), requireEngine(this));
        });

        it("logs every workload in as exactly its users through what pulumi up deployed, and nobody else", () => {
            assert.deepEqual(
                report.logins.map((l) => `${l.principal} ${l.user} ${l.observed}`),
                [
                    "api app_rw allowed",
                    "api reporting_ro denied",
                    "reports app_rw denied",
                    "reports reporting_ro allowed",
                    "outsider app_rw denied",
                    "outsider reporting_ro denied",
                ],
            );
            assert.deepEqual(mismatches(report), []);
        });

        it("reports the users the engine's dynamic-provider host made, the workloads' roles and no mandatory finding", () => {
            assert.deepEqual(report.created.map((u) => [u.username, u.iamAuthentication]).sort(), [
                ["app_rw", true],
                ["reporting_ro", true],
            ]);
            assert.deepEqual(
                report.principals.map((p) => [
                    p.name,
                    p.roleArn.split("/").pop()?.startsWith(`${p.name}-role`),
                ]),
                [
                    ["api", true],
                    ["reports", true],
                ],
            );
            assert.deepEqual(
                report.findings.filter((f) => f.enforcement === "mandatory"),
                [],
            );
        });
    });

    describe("the prod example (#24.7: a database behind an RDS Proxy with end-to-end IAM)", () => {
        let report: AccessReport;
        before(async function () {
            this.timeout(900_000);
            report = await rehearseWithEngine(readStackFile("prod"), requireEngine(this));
        });

        it("tries every principal at the cluster endpoint and through the proxy: the proxy workload gets in only through the proxy", () => {
            assert.deepEqual(
                report.logins.map((l) => `${l.principal} ${l.user} ${l.through ?? "database"} ${l.observed}`),
                [
                    "api app_rw database allowed",
                    "api analytics_ro database denied",
                    "analytics app_rw database denied",
                    "analytics analytics_ro database denied",
                    "outsider app_rw database denied",
                    "outsider analytics_ro database denied",
                    "api app_rw proxy denied",
                    "api analytics_ro proxy denied",
                    "analytics app_rw proxy denied",
                    "analytics analytics_ro proxy allowed",
                    "outsider app_rw proxy denied",
                    "outsider analytics_ro proxy denied",
                ],
            );
            assert.deepEqual(mismatches(report), []);
        });

        it("reports the proxy, its own role and the users that role may connect as, and draws them", async () => {
            assert.ok(report.proxy, "the report carries the proxy");
            assert.match(report.proxy.resourceId, /^prx-[0-9a-z]+$/);
            assert.match(report.proxy.roleArn, /^arn:aws:iam::\d{12}:role\//);
            assert.deepEqual(report.proxy.users, ["analytics_ro"]);
            assert.deepEqual(
                report.principals.map((p) => `${p.name} ${p.via ?? "database"}`),
                ["api database", "analytics proxy"],
            );
            const dot = accessGraph(report);
            const proxyNode = JSON.stringify(`proxy:${report.proxy.resourceId}`);
            assert.ok(
                dot.includes(`${proxyNode} -> "user:analytics_ro" [label="its role: rds-db:connect"]`),
                dot,
            );
            assert.ok(
                dot.includes(`"role:analytics" -> ${proxyNode} [label="rds-db:connect as analytics_ro"]`),
                dot,
            );
            const html = accessReportHtml(report, await renderSvg(dot));
            assert.match(html, /<h2>RDS Proxy<\/h2>/);
            assert.ok(html.includes(report.proxy.resourceId));
        });
    });

    it("refuses an unknown --engine (exit 2), naming both choices", () => {
        const run = childProcess.spawnSync(
            process.execPath,
            ["--import", "tsx", "local/rehearsal/main.ts", "--engine", "fake"],
            {
                cwd: REPO,
                encoding: "utf8",
            },
        );
        assert.equal(run.status, 2);
        assert.match(run.stderr, /^npm run local: --engine fake: use --engine real or --engine mocks/);
    });
});
