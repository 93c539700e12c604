import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PNG } from "pngjs";
import { accessGraph, renderSvg } from "../../local/report/graph";
import { accessReportHtml } from "../../local/report/html";
import { AccessReport } from "../../local/report/model";
import { chromiumPath, screenshot } from "../../local/report/screenshot";

/** A report as a rehearsal of a stack with one mismatch would give it. */
const REPORT: AccessReport = {
    stack: "dev",
    stackFile: "Pulumi.dev.yaml",
    engine: "postgres",
    region: "us-east-1",
    sqlRunner: "the SQL runner function db-runner-function",
    created: [{ username: "app_rw", iamAuthentication: true, privileges: ["SELECT"] }],
    database: {
        address: "db-instance.c0ffee0example.us-east-1.rds.amazonaws.com",
        resourceId: "db-WWNRBX575KSMSSXPELXI64XVOR",
        name: "app",
    },
    principals: [
        {
            name: "api",
            service: "ec2",
            roleArn: "arn:aws:iam::123456789012:role/api-role",
            instanceProfile: "api-profile",
            iamUsers: ["alice"],
            iamGroups: [],
            grants: ["app_rw"],
        },
    ],
    users: [{ username: "app_rw", privileges: ["SELECT"] }],
    logins: [
        {
            principal: "api",
            user: "app_rw",
            expected: "allowed",
            observed: "allowed",
            reason: "arn:aws:iam::123456789012:role/api-role may connect",
            probes: [
                {
                    statement: "SELECT count(*) FROM rds_iam_probe",
                    needs: "SELECT",
                    expected: "succeeds",
                    observed: "succeeds",
                    detail: "",
                },
                {
                    statement: "INSERT INTO rds_iam_probe (note) VALUES ('probe')",
                    needs: "INSERT",
                    expected: "refused",
                    observed: "succeeds",
                    detail: "",
                },
            ],
        },
        {
            principal: "outsider",
            user: "app_rw",
            expected: "denied",
            observed: "denied",
            reason: "policy denies: <nothing> allows the outsider",
            probes: [],
        },
    ],
    findings: [
        {
            rule: "rds-iam-users-granted",
            enforcement: "advisory",
            message: 'database user "x" is granted to nobody',
        },
    ],
};

describe("the access report", function () {
    this.timeout(120_000);
    let html: string;
    before(async () => {
        html = accessReportHtml(REPORT, await renderSvg(accessGraph(REPORT)));
    });

    it("draws principal → role → database user → database, edges labelled with what they carry", () => {
        const dot = accessGraph(REPORT);
        for (const edge of [
            '"workload:api" -> "role:api" [label="assumes"]',
            '"role:api" -> "user:app_rw" [label="rds-db:connect"]',
            '"iam:alice" -> "user:app_rw" [label="rds-db:connect"]',
            '"user:app_rw" -> "db:db-WWNRBX575KSMSSXPELXI64XVOR" [label="SELECT"]',
        ]) {
            assert.ok(dot.includes(edge), edge);
        }
    });

    it("is one self-contained page: inline SVG, no script, nothing fetched from elsewhere", () => {
        assert.match(html, /<svg[\s\S]*<\/svg>/);
        assert.doesNotMatch(html, /<script|<link|src=|url\(|https?:\/\/(?!www\.w3\.org)/);
    });

    it("shows each login with the emulator's reason (escaped) and marks the statement that went otherwise", () => {
        assert.ok(html.includes("policy denies: &lt;nothing&gt; allows the outsider"));
        assert.ok(html.includes('<span class="verdict bad">1 mismatch(es), 0 mandatory finding(s)</span>'));
        assert.ok(html.includes("<b>allowed</b> <b>— expected refused</b>"));
        assert.ok(html.includes('<tr class="mismatch">'));
    });

    it("renders in a real browser: the picture, the verdict and the tables are on screen", function () {
        if (chromiumPath() === undefined) {
            console.log(
                "      skipped: Chromium is not installed (sudo bash scripts/install-system-deps.sh installs it)",
            );
            this.skip();
        }
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-report-"));
        try {
            fs.writeFileSync(path.join(dir, "report.html"), html);
            screenshot(path.join(dir, "report.html"), path.join(dir, "report.png"), 1200, 1000);
            const png = PNG.sync.read(fs.readFileSync(path.join(dir, "report.png")));
            assert.deepEqual([png.width, png.height], [1200, 1000]);
            const pixel = (x: number, y: number) => {
                const i = (png.width * y + x) * 4;
                return [png.data[i], png.data[i + 1], png.data[i + 2]];
            };
            const colors = (
                x0: number,
                y0: number,
                x1: number,
                y1: number,
                match: (rgb: number[]) => boolean,
            ) => {
                let n = 0;
                for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (match(pixel(x, y))) n++;
                return n;
            };
            // The red verdict badge (#fee2e2) near the top, and the graph's node fills below it.
            assert.ok(
                colors(0, 0, 1200, 250, ([r, g, b]) => r === 0xfe && g === 0xe2 && b === 0xe2) > 500,
                "verdict badge",
            );
            const nodeFills = ([r, g, b]: number[]) =>
                (r === 0xfe && g === 0xf3 && b === 0xc7) ||
                (r === 0xe0 && g === 0xe7 && b === 0xff) ||
                (r === 0xdb && g === 0xea && b === 0xfe);
            assert.ok(colors(0, 150, 1200, 600, nodeFills) > 2000, "the picture's nodes");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
