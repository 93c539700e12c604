/**
 * The rds-iam package schema (#26.2): schema.json is what plugin/schema/spec.ts builds from the
 * components' JSDoc, it validates against Pulumi's package metaschema and binds as the CLI binds it
 * (rds-iam-codegen validate: pkg/v3 codegen/schema, the code `pulumi package gen-sdk` runs), and a
 * schema that breaks the metaschema is refused by the same check.
 */
import * as assert from "node:assert/strict";
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ENGINES } from "../../components/engines";
import { JsDoc } from "../../plugin/schema/jsdoc";
import { SCHEMA_PATH, buildSchema } from "../../plugin/schema/spec";
import { requireLanguageHosts } from "./support";

type Schema = {
    resources: Record<
        string,
        { isComponent?: boolean; inputProperties: Record<string, { description?: string }> }
    >;
    types: Record<string, { enum?: { value: string }[] }>;
};

function validate(codegen: string, schema: unknown): { status: number | null; output: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-schema-"));
    const file = path.join(dir, "schema.json");
    fs.writeFileSync(file, JSON.stringify(schema));
    const r = childProcess.spawnSync(codegen, ["validate", file], { encoding: "utf8" });
    fs.rmSync(dir, { recursive: true, force: true });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** A fresh copy of the schema spec.ts builds (built once: reading the JSDoc takes seconds). */
let built: string | undefined;
function schema(): Schema & Record<string, unknown> {
    built ??= JSON.stringify(buildSchema());
    return JSON.parse(built);
}

/** The components' Args, read once (one TypeScript program for all of them). */
let argsProgram: JsDoc | undefined;
const argsDocs = () => (argsProgram ??= new JsDoc(["database/args.ts", "accessRole.ts", "proxy/args.ts"]));

describe("the rds-iam package schema", () => {
    before(function () {
        this.timeout(60_000);
        schema();
    });

    it("schema.json is what plugin/schema/spec.ts builds (run `npx tsx plugin/schema/spec.ts` after changing an Arg)", () => {
        assert.equal(fs.readFileSync(SCHEMA_PATH, "utf8"), `${JSON.stringify(schema(), null, 4)}\n`);
    });

    it("carries rds-iam's version, as the plugin does (the SDKs generated from it carry it too)", () => {
        const root = path.join(__dirname, "..", "..");
        const version = (file: string) =>
            (JSON.parse(fs.readFileSync(path.join(root, file), "utf8")) as { version: string }).version;
        assert.deepEqual(
            [version("schema.json"), version(path.join("plugin", "package.json"))],
            [version("package.json"), version("package.json")],
        );
    });

    it("serves Database, DatabaseAccessRole and DatabaseProxy as components and DatabaseUser as a custom resource, every engine in its enum", () => {
        assert.deepEqual(
            Object.entries(schema().resources).map(([token, r]) => [token, r.isComponent === true]),
            [
                ["rds-iam:index:Database", true],
                ["rds-iam:index:DatabaseAccessRole", true],
                ["rds-iam:index:DatabaseProxy", true],
                ["rds-iam:index:DatabaseUser", false],
            ],
        );
        assert.deepEqual(
            schema().types["rds-iam:index:Engine"].enum?.map((e) => e.value),
            [...ENGINES],
        );
    });

    for (const [token, file, args] of [
        ["rds-iam:index:Database", "database/args.ts", "DatabaseArgs"],
        ["rds-iam:index:DatabaseAccessRole", "accessRole.ts", "DatabaseAccessRoleArgs"],
        ["rds-iam:index:DatabaseProxy", "proxy/args.ts", "DatabaseProxyArgs"],
    ])
        it(`offers every ${args} member as a ${token} input (a new Arg cannot be left out)`, () => {
            const inputs = Object.keys(schema().resources[token].inputProperties);
            const members = argsDocs().members(file, args);
            assert.ok(members.length > 0, `no members of ${args} read from components/${file}`);
            assert.deepEqual(
                members.filter((a) => !inputs.includes(a)),
                [],
            );
        });

    // grants[].proxy is Any, not a DatabaseProxy reference: with that reference the generated Python
    // SDK fails at import on a cycle (plugin/schema/spec.ts; the Python SDK test imports it).
    it("names every kind of grant in Grant: a database, a proxy (through it only, typed any) or a resource id", () => {
        const grant = (schema().types as Record<string, { properties: Record<string, { $ref?: string }> }>)[
            "rds-iam:index:Grant"
        ].properties;
        assert.deepEqual(
            [grant.database.$ref, grant.proxy.$ref, Object.keys(grant).sort()],
            [
                "#/resources/rds-iam:index:Database",
                "pulumi.json#/Any",
                ["accountId", "database", "proxy", "region", "resourceId", "username"],
            ],
        );
    });

    it("carries each input's description from the JSDoc of the TypeScript Arg it mirrors", () => {
        const inputs = schema().resources["rds-iam:index:Database"].inputProperties;
        assert.equal(
            inputs.deletionProtection.description,
            "Refuse deletion of the instance/cluster.\n\nDefault: true.",
        );
        const undocumented = Object.entries(inputs).filter(([, p]) => !(p.description ?? "").trim());
        assert.deepEqual(undocumented, []);
    });

    it("validates against Pulumi's package metaschema and binds, and the same check refuses a broken schema", function () {
        this.timeout(60_000);
        const { hosts } = requireLanguageHosts(this);
        const good = validate(hosts.codegen, schema());
        assert.equal(good.status, 0, good.output);
        const broken = schema();
        (broken.resources["rds-iam:index:Database"].inputProperties as Record<string, unknown>).engine = {
            type: "no-such-type",
        };
        const bad = validate(hosts.codegen, broken);
        assert.notEqual(bad.status, 0, bad.output);
        assert.match(bad.output, /engine/);
    });
});
