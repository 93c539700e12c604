/**
 * The resource plugins a Node.js program needs, as Pulumi's language host finds them: every
 * package.json under the program's node_modules (deeply, symlinks followed once) whose `pulumi`
 * section says `resource: true`, named by `pulumi.name` or the `@pulumi/` package's own name, at
 * `pulumi.version` or the package version. Policy packs inside the tree are skipped: their plugins
 * are not the program's.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface RequiredPackage {
    readonly name: string;
    /** "v"-prefixed, as the engine expects. */
    readonly version: string;
    readonly server?: string;
}

interface PackageJson {
    name?: string;
    version?: string;
    pulumi?: { resource?: boolean; name?: string; version?: string; server?: string };
}

function pluginOf(file: string): RequiredPackage | undefined {
    let info: PackageJson;
    try {
        info = JSON.parse(fs.readFileSync(file, "utf8")) as PackageJson;
    } catch {
        return undefined;
    }
    if (info.pulumi?.resource !== true) return undefined;
    const name = info.pulumi.name ?? (info.name?.startsWith("@pulumi/") ? info.name.slice(8) : undefined);
    const version = info.pulumi.version ?? info.version;
    if (name === undefined || version === undefined) return undefined;
    return {
        name,
        version: version.startsWith("v") ? version : `v${version}`,
        ...(info.pulumi.server ? { server: info.pulumi.server } : {}),
    };
}

export function requiredPackages(programDirectory: string): RequiredPackage[] {
    const found = new Map<string, RequiredPackage>();
    const visited = new Set<string>();
    const walk = (dir: string, inNodeModules: boolean) => {
        let real: string;
        try {
            real = fs.realpathSync(dir);
        } catch {
            return;
        }
        if (visited.has(real)) return;
        visited.add(real);
        let entries: fs.Dirent[];
        try {
            entries = fs.readdirSync(real, { withFileTypes: true });
        } catch {
            return;
        }
        for (const entry of entries) {
            const full = path.join(real, entry.name);
            let isDir = entry.isDirectory();
            if (entry.isSymbolicLink()) {
                try {
                    isDir = fs.statSync(full).isDirectory();
                } catch {
                    continue;
                }
            }
            if (isDir) {
                if (fs.existsSync(path.join(full, "PulumiPolicy.yaml"))) continue;
                walk(full, inNodeModules || path.basename(real) === "node_modules");
            } else if (inNodeModules && entry.name === "package.json") {
                const plugin = pluginOf(full);
                if (plugin !== undefined) found.set(`${plugin.name}@${plugin.version}`, plugin);
            }
        }
    };
    walk(path.join(programDirectory, "node_modules"), true);
    return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}
