/**
 * The problems of a PostgreSQL privilege list (vocabulary.ts): entries outside the vocabulary,
 * bad schema and owner names, more than one owner, an owner with no table privilege to apply to.
 * validation.ts asks this and passes its name rules in, so both read one set of rules.
 */
import type { Engine } from "../../engines";
import type { Problem } from "../../validation";
import {
    PG_DATABASE_PRIVILEGES,
    PG_SCOPED_FORMS,
    PG_TABLE_PRIVILEGES,
    PgEntry,
    parsePgEntry,
} from "./vocabulary";

export interface NameRules {
    /** A role name's problems (the user-name rules: charset, length, names RDS or PostgreSQL keep). */
    username(name: string): Problem[];
    /** An identifier's problems (charset, length). */
    identifier(kind: string, value: string): Problem[];
}

const VOCABULARY = ["ALL", ...PG_TABLE_PRIVILEGES, ...PG_DATABASE_PRIVILEGES, ...PG_SCOPED_FORMS];

function nameProblems(entry: PgEntry, rules: NameRules): Problem[] {
    if (entry.kind === "owner") {
        return rules.username(entry.role).map((p) => ({
            ...p,
            reason: `FOR ROLE names the tables' owner: ${p.reason.replace(/^username/, "owner")}`,
        }));
    }
    if (entry.kind === "database") return [];
    const problems = rules.identifier("schema name", entry.schema);
    if (
        problems.length === 0 &&
        (/^pg_/i.test(entry.schema) || entry.schema.toLowerCase() === "information_schema")
    ) {
        return [
            {
                code: "system-schema",
                reason: `schema "${entry.schema}" is a system schema of PostgreSQL; grant privileges on a schema of your own`,
            },
        ];
    }
    return problems;
}

export function pgPrivilegeProblems(
    engine: Engine,
    privileges: readonly unknown[],
    rules: NameRules,
): Problem[] {
    const problems: Problem[] = [];
    const entries: PgEntry[] = [];
    privileges.forEach((p: unknown, i: number) => {
        const entry = typeof p === "string" ? parsePgEntry(p) : undefined;
        if (entry === undefined) {
            problems.push({
                code: "unknown-privilege",
                at: `[${i}]`,
                reason: `unknown privilege ${JSON.stringify(p)} for ${engine}; use one of ${VOCABULARY.join(", ")}`,
            });
            return;
        }
        entries.push(entry);
        problems.push(...nameProblems(entry, rules).map((problem) => ({ ...problem, at: `[${i}]` })));
    });
    const owners = [...new Set(entries.flatMap((e) => (e.kind === "owner" ? [e.role] : [])))];
    if (owners.length > 1) {
        problems.push({
            code: "conflicting-owner",
            reason: `privileges name more than one owner (${owners.map((o) => `FOR ROLE ${o}`).join(", ")}); the table privileges cover the tables of one owner: keep one`,
        });
    }
    if (owners.length > 0 && !entries.some((e) => e.kind === "table")) {
        problems.push({
            code: "owner-without-table-privileges",
            reason: `FOR ROLE ${owners[0]} says whose tables the table privileges cover, but there is none; add one such as "SELECT", or remove it`,
        });
    }
    return problems;
}
