/**
 * The stack's `rds-iam:` config keys (Pulumi.yaml's schema and the undeclared optional keys; a test
 * keeps them equal),
 * the closest known key for a misspelt one, and readers that report a bad value instead of throwing
 * on the first, so every problem of a stack file comes back in one round.
 */
import { ValidationFailure } from "../components/validation";

export const PROJECT = "rds-iam";

export const CONFIG_KEYS = [
    "engine",
    "engineVersion",
    "instanceClass",
    "instances",
    "multiAz",
    "vpcId",
    "subnetIds",
    "allowedCidrBlocks",
    "allowOpenCidr",
    "allowedSecurityGroupIds",
    "databaseName",
    "deletionProtection",
    "skipFinalSnapshot",
    "users",
    "workloads",
    "reportingDatabase",
    "adminProvider",
    "caBundleFile",
    "connectHost",
    "connectPort",
    "sqlRunner",
    "masterPassword",
    "iamAdmin",
    "proxy",
] as const;

export type ConfigKey = (typeof CONFIG_KEYS)[number];

/**
 * Keys the program reads that Pulumi.yaml does not declare (its header comment documents them): their
 * unset meaning depends on the engine, and the engine fails every preview of a stack that leaves a
 * declared key without a default unset (pulumi/pulumi pkg/workspace/config.go).
 */
export const UNDECLARED_KEYS: readonly ConfigKey[] = [
    "engineVersion",
    "instanceClass",
    "instances",
    "multiAz",
    "adminProvider",
    "caBundleFile",
    "connectHost",
    "connectPort",
    "proxy",
];

/** Levenshtein distance, case-insensitive: how many edits turn `a` into `b`. */
function distance(a: string, b: string): number {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
    for (let i = 1; i <= x.length; i++) {
        const current = [i];
        for (let j = 1; j <= y.length; j++) {
            current[j] = Math.min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1),
            );
        }
        previous = current;
    }
    return previous[y.length];
}

/** The known key closest to `key`, when it is close enough to be a misspelling. */
export function closestKey(key: string): ConfigKey | undefined {
    const ranked = CONFIG_KEYS.map((k) => ({ k, d: distance(key, k) })).sort((a, b) => a.d - b.d);
    return ranked[0].d <= Math.max(2, Math.floor(key.length / 4)) ? ranked[0].k : undefined;
}

/** Every `rds-iam:` key of `all` that the program does not read, each with the fix. */
export function unknownKeyFailures(all: Record<string, string>): ValidationFailure[] {
    return Object.keys(all)
        .filter((k) => k.startsWith(`${PROJECT}:`))
        .map((k) => k.slice(PROJECT.length + 1))
        .filter((k) => !(CONFIG_KEYS as readonly string[]).includes(k))
        .map((k) => {
            const near = closestKey(k);
            return {
                property: `${PROJECT}:${k}`,
                reason: near
                    ? `unknown key; did you mean ${PROJECT}:${near}? (pulumi config rm ${PROJECT}:${k})`
                    : `unknown key; the keys are ${CONFIG_KEYS.join(", ")} (pulumi config rm ${PROJECT}:${k})`,
            };
        });
}

/** Reads raw config values by key, collecting a failure (instead of throwing) for each bad one. */
export class ConfigReader {
    readonly failures: ValidationFailure[] = [];

    constructor(private readonly raw: Record<string, string>) {}

    private key(key: ConfigKey): string {
        return `${PROJECT}:${key}`;
    }

    private fail(key: ConfigKey, reason: string): undefined {
        this.failures.push({ property: this.key(key), reason });
        return undefined;
    }

    has(key: ConfigKey): boolean {
        return this.raw[this.key(key)] !== undefined;
    }

    string(key: ConfigKey): string | undefined {
        const value = this.raw[this.key(key)];
        return value === undefined || value === "" ? undefined : value;
    }

    /** A required string; missing, it is a failure naming the `pulumi config set` line. */
    required(key: ConfigKey, example: string): string | undefined {
        return this.string(key) ?? this.fail(key, `required; pulumi config set ${this.key(key)} ${example}`);
    }

    boolean(key: ConfigKey): boolean | undefined {
        const value = this.string(key);
        if (value === undefined) return undefined;
        if (value === "true" || value === "false") return value === "true";
        return this.fail(key, `must be true or false (got ${JSON.stringify(value)})`);
    }

    integer(key: ConfigKey): number | undefined {
        const value = this.string(key);
        if (value === undefined) return undefined;
        return /^-?\d+$/.test(value)
            ? Number(value)
            : this.fail(key, `must be a whole number (got ${JSON.stringify(value)})`);
    }

    /** A structured value (list or object), given with `pulumi config set --path` or in YAML. */
    object<T>(key: ConfigKey, shape: "list" | "object" = "list"): T | undefined {
        const value = this.string(key);
        if (value === undefined) return undefined;
        let parsed: unknown;
        try {
            parsed = JSON.parse(value);
        } catch {
            return this.fail(
                key,
                `must be a ${shape} (set it in Pulumi.<stack>.yaml or with pulumi config set --path '${this.key(key)}[0]' …); got ${JSON.stringify(value)}`,
            );
        }
        if (shape === "list" && !Array.isArray(parsed)) return this.fail(key, `must be a list`);
        return parsed as T;
    }

    /** A list of strings. */
    strings(key: ConfigKey): string[] | undefined {
        const list = this.object<unknown[]>(key);
        if (list === undefined) return undefined;
        list.forEach((v, i) => {
            if (typeof v !== "string") {
                this.failures.push({
                    property: `${this.key(key)}[${i}]`,
                    reason: `must be a string (got ${JSON.stringify(v)})`,
                });
            }
        });
        return list.filter((v): v is string => typeof v === "string");
    }
}
