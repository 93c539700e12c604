/**
 * Names of child resources that stand for a value of a list (a CIDR block, a security group, an IAM
 * user): derived from the value with a short hash, as pulumi-eks and awsx do, so reordering or
 * shortening the list replaces nothing. Earlier versions named them by list position; the old name
 * is kept as an alias so existing stacks adopt the new names without replacing anything.
 */
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

/** 8 hex characters of SHA-256: short, stable, and unlikely to collide within one list. */
export function shortHash(value: string): string {
    return crypto.createHash("sha256").update(value).digest("hex").slice(0, 8);
}

export interface ChildName {
    readonly name: string;
    /** The name this child had when children were named by position, as an alias; none when unchanged. */
    readonly aliases: pulumi.Alias[];
}

/**
 * `${prefix}-${shortHash(value)}` for a value known now, with the positional name `${prefix}-${index}`
 * as alias. A value known only at deploy time (an Output) cannot name anything at construction, so
 * it keeps its positional name.
 */
export function childName(prefix: string, value: pulumi.Input<string>, index: number): ChildName {
    const positional = `${prefix}-${index}`;
    if (typeof value !== "string") {
        return { name: positional, aliases: [] };
    }
    return { name: `${prefix}-${shortHash(value)}`, aliases: [{ name: positional }] };
}
