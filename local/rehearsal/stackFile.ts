/**
 * Which stack file a rehearsal reads: Pulumi.<stack>.yaml, or — when only the shipped example
 * Pulumi.<stack>.yaml.example exists — that example, with its REPLACE_ME placeholders filled by
 * plausible fake ids (said in the output). Anything else is a clear error listing the stacks there are.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

export interface StackFile {
    readonly stack: string;
    /** The file read, relative to the project. */
    readonly file: string;
    /** The flat config (`rds-iam:…`, `aws:…`) as Pulumi would pass it. */
    readonly config: Record<string, unknown>;
    /** What the reader should know about how the file was used. */
    readonly notes: string[];
}

/** The stacks this project has files for (real ones and shipped examples). */
export function knownStacks(): string[] {
    return fs
        .readdirSync(ROOT)
        .map((f) => /^Pulumi\.([^.]+)\.yaml(\.example)?$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** A fake id of the right shape for each placeholder, stable per placeholder. */
function fillPlaceholders(value: unknown, filled: Map<string, string>): unknown {
    if (typeof value === "string" && /REPLACE_ME/.test(value)) {
        const kind = /^(vpc|subnet|sg)-/.exec(value)?.[1] ?? "id";
        if (!filled.has(value)) {
            const hex = (filled.size + 1).toString(16).padStart(17, "0").replace(/^0/, "a");
            filled.set(value, `${kind}-${hex}`);
        }
        return filled.get(value);
    }
    if (Array.isArray(value)) return value.map((v) => fillPlaceholders(v, filled));
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillPlaceholders(v, filled)]));
    }
    return value;
}

/**
 * The stack file's text with each placeholder replaced by the same fake id readStackFile gives it —
 * what a user's edit makes of the example, comments and all. Resolves the text and the replacements.
 */
export function fillPlaceholdersInText(text: string): { text: string; filled: Map<string, string> } {
    const filled = new Map<string, string>();
    const out = text.replace(/\b(?:vpc|subnet|sg)-REPLACE_ME\w*/g, (token) =>
        String(fillPlaceholders(token, filled)),
    );
    return { text: out, filled };
}

export function readStackFile(stack: string): StackFile {
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
        throw new Error(`--stack ${JSON.stringify(stack)} is not a stack name (letters, digits, - _ .)`);
    }
    const yaml = require("yaml") as typeof import("yaml");
    const real = `Pulumi.${stack}.yaml`;
    const example = `${real}.example`;
    const notes: string[] = [];
    let file = real;
    if (!fs.existsSync(path.join(ROOT, real))) {
        if (!fs.existsSync(path.join(ROOT, example))) {
            throw new Error(
                `there is no ${real} (nor ${example}); stacks here: ${knownStacks().join(", ") || "none"}. ` +
                    `Create one with \`pulumi stack init ${stack}\` and its settings, or pass --stack <one of those>.`,
            );
        }
        file = example;
        notes.push(`${real} does not exist: rehearsing the shipped example ${example} instead`);
    }
    const doc = yaml.parse(fs.readFileSync(path.join(ROOT, file), "utf8")) as {
        config?: Record<string, unknown>;
    } | null;
    const raw = doc?.config ?? {};
    const filled = new Map<string, string>();
    const config = fillPlaceholders(raw, filled) as Record<string, unknown>;
    if (filled.size > 0) {
        notes.push(
            `its placeholders are filled with fake ids for the rehearsal: ${[...filled].map(([from, to]) => `${from} → ${to}`).join(", ")}`,
        );
    }
    return { stack, file, config, notes };
}
