import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ENGINES, ENGINE_FACTS, Engine, engineFamily, tlsParameterName } from "../../components/engines";
import { engineVersionProblems } from "../../components/engineVersions";

describe("the engine table", () => {
    it("lists the five engines the contract names, in order", () => {
        assert.deepEqual(ENGINES, ["mysql", "mariadb", "postgres", "aurora-mysql", "aurora-postgresql"]);
    });

    it("gives each engine its family, port, TLS parameter, identifier limits and default major version", () => {
        const summary = Object.fromEntries(
            ENGINES.map((e) => {
                const f = ENGINE_FACTS[e];
                return [
                    e,
                    [
                        f.family,
                        f.aurora,
                        f.port,
                        f.tlsParameter,
                        f.maxUsernameLength,
                        f.defaultMajorVersion,
                        f.versionPolicy,
                    ],
                ];
            }),
        );
        assert.deepEqual(summary, {
            mysql: ["mysql", false, 3306, "require_secure_transport", 32, "8.4", "major"],
            mariadb: ["mysql", false, 3306, "require_secure_transport", 32, "11.4", "major"],
            postgres: ["postgres", false, 5432, "rds.force_ssl", 63, "17", "major"],
            "aurora-mysql": ["mysql", true, 3306, "require_secure_transport", 32, "8.0", "resolve"],
            "aurora-postgresql": ["postgres", true, 5432, "rds.force_ssl", 63, "17", "resolve"],
        });
    });

    it("pairs every engine with the engine of the other kind in its family", () => {
        for (const e of ENGINES) {
            const other = ENGINE_FACTS[e].counterpart;
            assert.equal(engineFamily(other), engineFamily(e), e);
            assert.notEqual(ENGINE_FACTS[other].aurora, ENGINE_FACTS[e].aurora, e);
        }
    });

    it("answers the helper functions from the table", () => {
        const engines: Engine[] = ["mariadb", "aurora-postgresql"];
        assert.deepEqual(engines.map(tlsParameterName), ["require_secure_transport", "rds.force_ssl"]);
    });

    it("is the only library file that compares an engine's name", () => {
        const root = path.resolve(__dirname, "..", "..", "components");
        const offenders: string[] = [];
        const walk = (dir: string): void => {
            for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
                const file = path.join(dir, entry.name);
                if (entry.isDirectory()) walk(file);
                else if (file.endsWith(".ts") && !file.endsWith("engines.ts")) {
                    fs.readFileSync(file, "utf8")
                        .split("\n")
                        .forEach((line, i) => {
                            if (
                                /\bengine\s*[!=]==\s*["']|\bengine\.(includes|startsWith|endsWith)\(/.test(
                                    line,
                                )
                            )
                                offenders.push(`${path.relative(root, file)}:${i + 1}`);
                        });
                }
            }
        };
        walk(root);
        assert.deepEqual(offenders, []);
    });
});

describe("the oldest PostgreSQL rds-iam supports", () => {
    // PostgreSQL 15 release notes: "Remove PUBLIC creation permission on the public schema".
    it("is 15: an older engineVersion is refused, naming the input, the reason and the fix", () => {
        assert.deepEqual(engineVersionProblems("postgres", "14"), [
            {
                code: "unsupported-version",
                reason: 'PostgreSQL 14 is older than rds-iam supports (15 or later): before 15 every role (PUBLIC) may CREATE in schema public, so a user granted only SELECT could still create tables there (PostgreSQL 15 release notes). Set engineVersion to "17" (the default) or another version from 15',
            },
        ]);
    });

    it("holds for Aurora PostgreSQL too, for full versions, and names the input the caller gives", () => {
        assert.deepEqual(
            [
                engineVersionProblems("aurora-postgresql", "13.9", "rds-iam:engineVersion").map(
                    (p) => p.code,
                ),
                engineVersionProblems(
                    "aurora-postgresql",
                    "13.9",
                    "rds-iam:engineVersion",
                )[0].reason.includes('Set rds-iam:engineVersion to "17"'),
                engineVersionProblems("postgres", "15"),
                engineVersionProblems("aurora-postgresql", "15.4"),
                engineVersionProblems("mariadb", "10.11"),
            ],
            [["unsupported-version"], true, [], [], []],
        );
    });
});
