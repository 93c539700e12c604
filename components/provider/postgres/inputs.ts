/**
 * The DatabaseUser inputs only PostgreSQL has: what happens to a deleted user's objects
 * (ownedObjectsOnDelete, reassignOwnedTo) and whose tables its privileges cover (owner). Values
 * still unknown during preview are skipped (`isUnknown` is inputs.ts's).
 */
import { Engine, engineFamily } from "../../engines";
import { ValidationFailure, failuresAt, usernameProblems } from "../../validation";
import type { OwnedObjectsOnDelete } from "../dialect";
import { ownerOf } from "./grants";
import { parsePgEntry } from "./vocabulary";

const OWNED_OBJECTS_POLICIES: readonly OwnedObjectsOnDelete[] = ["fail", "drop", "reassign"];

function masterName(master: unknown): unknown {
    return (master as { username?: unknown } | undefined)?.username;
}

/** ownedObjectsOnDelete / reassignOwnedTo: PostgreSQL only, a known policy, a plain role name. */
export function deletionFailures(
    news: Record<string, unknown>,
    engine: Engine | undefined,
    isUnknown: (value: unknown) => boolean,
): ValidationFailure[] {
    const policy = news.ownedObjectsOnDelete;
    const target = news.reassignOwnedTo;
    if (isUnknown(policy) || isUnknown(target) || (policy === undefined && target === undefined)) return [];
    if (engine !== undefined && engineFamily(engine) !== "postgres") {
        return [
            {
                property: policy !== undefined ? "ownedObjectsOnDelete" : "reassignOwnedTo",
                reason: `ownedObjectsOnDelete and reassignOwnedTo apply to PostgreSQL only (MySQL/MariaDB users own no objects); remove them for ${engine}`,
            },
        ];
    }
    if (policy !== undefined && !OWNED_OBJECTS_POLICIES.includes(policy as OwnedObjectsOnDelete)) {
        return [
            {
                property: "ownedObjectsOnDelete",
                reason: `ownedObjectsOnDelete must be one of ${OWNED_OBJECTS_POLICIES.join(", ")} (got ${JSON.stringify(policy)})`,
            },
        ];
    }
    if (policy === "reassign") {
        if (typeof target !== "string" || !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(target)) {
            return [
                {
                    property: "reassignOwnedTo",
                    reason: `ownedObjectsOnDelete "reassign" needs reassignOwnedTo: the name of a role without privileges that receives the objects (got ${JSON.stringify(target)})`,
                },
            ];
        }
        if (target === news.username) {
            return [
                {
                    property: "reassignOwnedTo",
                    reason: "reassignOwnedTo must be another role than the user itself",
                },
            ];
        }
        if (target === (news.master as { username?: unknown } | undefined)?.username) {
            return [
                {
                    property: "reassignOwnedTo",
                    reason: "reassignOwnedTo must not be the master user: objects such as SECURITY DEFINER functions would then run as the master; name a role without privileges",
                },
            ];
        }
        return [];
    }
    return target === undefined
        ? []
        : [
              {
                  property: "reassignOwnedTo",
                  reason: 'reassignOwnedTo is only used with ownedObjectsOnDelete: "reassign"; remove it or set that',
              },
          ];
}

/**
 * owner (and a `FOR ROLE` entry in privileges): PostgreSQL only, a plain role name other than the
 * user, one owner, and a table privilege for it to apply to.
 */
export function ownerFailures(
    news: Record<string, unknown>,
    engine: Engine | undefined,
    isUnknown: (value: unknown) => boolean,
): ValidationFailure[] {
    const owner = news.owner;
    const privileges = Array.isArray(news.privileges)
        ? news.privileges.filter((p) => typeof p === "string")
        : [];
    const forRole = ownerOf(privileges as string[]);
    if (forRole !== undefined && forRole === news.username) {
        return [
            {
                property: "privileges",
                reason: `FOR ROLE ${forRole} is the user itself, which has every privilege on its own tables; name the migration user that owns them`,
            },
        ];
    }
    if (owner === undefined || isUnknown(owner) || engine === undefined) return [];
    if (engineFamily(engine) !== "postgres") {
        return [
            {
                property: "owner",
                reason: `owner applies to PostgreSQL only (MySQL/MariaDB privileges are on the whole database, whoever made its tables); remove it for ${engine}`,
            },
        ];
    }
    if (owner !== masterName(news.master)) {
        const problems = usernameProblems(engine, owner).map((p) => ({
            ...p,
            reason: p.reason.replace(/^username/, "owner"),
        }));
        if (problems.length > 0) return failuresAt("owner", problems);
    }
    if (owner === news.username) {
        return [
            {
                property: "owner",
                reason: "owner must be another user (the migration user that creates the tables): a user has every privilege on its own tables",
            },
        ];
    }
    if (forRole !== undefined && forRole !== owner) {
        return [
            {
                property: "owner",
                reason: `owner "${String(owner)}" and FOR ROLE ${forRole} in privileges name different owners; keep one`,
            },
        ];
    }
    if (!privileges.some((p) => parsePgEntry(p as string)?.kind === "table")) {
        return [
            {
                property: "owner",
                reason: `owner says whose tables the table privileges cover, but there is none; add one such as "SELECT", or remove owner`,
            },
        ];
    }
    return [];
}

/**
 * The stored privileges: `FOR ROLE <owner>` added for `owner`, left out where it names the master
 * (the default), or unknown while the owner is (preview), so a change of owner shows as a change.
 */
export function privilegesWithOwner(
    privileges: readonly string[],
    owner: unknown,
    master: unknown,
    isUnknown: (value: unknown) => boolean,
    unknown: string,
): string[] | string {
    if (owner === undefined && ownerOf(privileges) === undefined) return [...privileges];
    if (isUnknown(owner) || isUnknown(master) || isUnknown(masterName(master))) return unknown;
    const name = masterName(master);
    const kept = privileges.filter((p) => {
        const e = parsePgEntry(p);
        return !(e?.kind === "owner" && e.role === name);
    });
    const declared = ownerOf(kept);
    return typeof owner === "string" && owner !== name && declared === undefined
        ? [...kept, `FOR ROLE ${owner}`].sort()
        : kept;
}
