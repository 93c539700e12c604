/**
 * What a DatabaseUser stores in the state as its provider (`__provider`): a few lines that find
 * rds-iam's provider (provider.ts) where the program found it, instead of the provider's code.
 *
 * Pulumi serializes a dynamic resource's provider into each resource's inputs and outputs, by value
 * for every module that is not under node_modules (@pulumi/pulumi runtime/closure/createClosure.js,
 * captureModuleAsync). Run from this repository's sources, that is all of rds-iam's SQL and rules:
 * about 230 KB, twice per user, so 200 users made a 93 MB state that the engine writes again after
 * every step — `pulumi up` and `destroy` of 200 users took about 5 minutes each, nearly all of it
 * the engine's (bench --wan). A package installed under node_modules was already required by name;
 * now every layout is.
 *
 * The dynamic-provider host runs in the project directory (the engine starts it as
 * `node ./node_modules/@pulumi/pulumi/cmd/dynamic-provider`) and evaluates the stored text with a
 * `require` that resolves from there (require-from-string), so:
 * - installed as a package: `<package>/internal/provider/provider.js` (package.json's exports);
 * - anywhere else (these sources, or a build outside node_modules): the file's path relative to the
 *   project directory, TypeScript loaded through tsx as plugin/index.cjs does.
 * Like any provider plugin, refresh and delete then run the rds-iam the project has installed, not
 * the one that created the user (README, "Upgrading rds-iam").
 */
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";

export interface ProviderLocation {
    /** A package specifier, or a path relative to the project directory ("./…"). */
    readonly module: string;
    /** Whether it is TypeScript source (loaded through tsx). */
    readonly typescript: boolean;
}

/** Where the dynamic-provider host, in the project directory `cwd`, finds the provider module `file`. */
export function providerLocation(file: string, cwd: string): ProviderLocation {
    const parts = file.split(path.sep);
    const at = parts.indexOf("node_modules");
    const inside = at >= 0 ? parts.slice(at + 1) : [];
    const name = inside[0]?.startsWith("@") ? inside.slice(0, 2) : inside.slice(0, 1);
    const compiled = inside.slice(name.length);
    if (name.length > 0 && compiled[0] === "bin" && compiled[1] === "components") {
        return { module: [...name, "internal", ...compiled.slice(2)].join("/"), typescript: false };
    }
    const relative = path.relative(cwd, file).split(path.sep).join("/");
    return {
        module: relative.startsWith(".") ? relative : `./${relative}`,
        typescript: file.endsWith(".ts"),
    };
}

/** The provider that `reference` points at, loaded in the dynamic-provider host. */
function loadProvider(where: ProviderLocation): pulumi.dynamic.ResourceProvider {
    const nodePath = require("node:path") as typeof import("node:path");
    const target = where.module.startsWith(".")
        ? nodePath.resolve(process.cwd(), where.module)
        : where.module;
    try {
        const loaded = globalThis as { __rdsIamTsx?: boolean };
        if (where.typescript && loaded.__rdsIamTsx !== true) {
            require("tsx/cjs/api").register();
            loaded.__rdsIamTsx = true;
        }
        return require(target).databaseUserProvider;
    } catch (e) {
        throw new Error(
            `rds-iam's DatabaseUser provider was not found: the state points at ${where.module} from the project ` +
                `directory (${process.cwd()}), where the program that wrote it found rds-iam. Run pulumi in that project with ` +
                `its dependencies installed (npm ci${where.typescript ? ", dev dependencies included: tsx loads the TypeScript sources" : ""}). ` +
                `(${(e as Error).message})`,
        );
    }
}

/** The stored provider for the provider module at `file` (provider.ts, or its build). */
export function providerReference(file: string, cwd = process.cwd()): pulumi.dynamic.ResourceProvider {
    const where = providerLocation(file, cwd);
    const load = () => loadProvider(where);
    return {
        check: (olds, news) => load().check!(olds, news),
        diff: (id, olds, news) => load().diff!(id, olds, news),
        create: (inputs) => load().create(inputs),
        read: (id, props) => load().read!(id, props),
        update: (id, olds, news) => load().update!(id, olds, news),
        delete: (id, props) => load().delete!(id, props),
    };
}
