import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { decideConnect } from "../../local/emulator/decideConnect";
import { CorpusCase, Decision } from "../fixtures/iam/corpus/cases";
import { corpus } from "../fixtures/iam/corpus/generate";

const FILE = path.resolve(__dirname, "..", "fixtures", "iam", "corpus", "connect-corpus.json");
const CASES = JSON.parse(fs.readFileSync(FILE, "utf8")) as CorpusCase[];

/** The decision a reason of decideConnect states. */
function decisionOf(reason: string): Decision | "unrecognised" {
    if (/^refused: policy .* is malformed \(IAM would not store it\): /.test(reason)) return "malformed";
    if (/^refused: /.test(reason)) return "refused";
    if (/^explicit deny for /.test(reason)) return "explicit-deny";
    if (/^policy denies: nothing allows /.test(reason)) return "implicit-deny";
    if (/ may connect as /.test(reason)) return "allow";
    return "unrecognised";
}

describe("the rds-db:connect corpus (test/fixtures/iam/corpus, outcomes from the AWS documentation)", () => {
    it("is frozen: the JSON fixture is what its documented sources generate, with unique ids and a note per case", () => {
        assert.deepEqual(CASES, JSON.parse(JSON.stringify(corpus())));
        assert.equal(new Set(CASES.map((c) => c.id)).size, CASES.length);
        assert.ok(CASES.length >= 300, `${CASES.length} cases`);
        for (const c of CASES)
            assert.match(c.note, /\(.*(IAM|Policy evaluation|Service Authorization|AWS).*\)/, c.id);
    });

    it("every case decides as documented", () => {
        const wrong = CASES.flatMap((c) => {
            const result = decideConnect(c.policies, c.request);
            const got = { allowed: result.allowed, decision: decisionOf(result.reason) };
            return got.allowed === c.expected.allowed && got.decision === c.expected.decision
                ? []
                : [
                      `${c.id}: expected ${JSON.stringify(c.expected)}, got ${JSON.stringify(got)} — ${result.reason}`,
                  ];
        });
        assert.deepEqual(wrong, []);
    });
});
