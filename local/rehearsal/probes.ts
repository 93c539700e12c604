/**
 * What a logged-in IAM user can do, checked by doing it: one statement its privileges allow and one
 * they do not, against a probe table the master creates. Writes run inside a transaction that is
 * rolled back, and UPDATE/DELETE match no row: the check changes nothing.
 */
import { EngineFamily } from "../../components/engines";
import type { Probe } from "../report/model";

export const PROBE_TABLE = "rds_iam_probe";

/** The privilege a statement needs, and the statement. */
interface Candidate {
    readonly needs: string;
    readonly statement: string;
    /** Run inside BEGIN … ROLLBACK. */
    readonly write: boolean;
}

function candidates(family: EngineFamily): Candidate[] {
    const t = PROBE_TABLE;
    const common: Candidate[] = [
        { needs: "SELECT", statement: `SELECT count(*) FROM ${t}`, write: false },
        { needs: "INSERT", statement: `INSERT INTO ${t} (note) VALUES ('probe')`, write: true },
        { needs: "UPDATE", statement: `UPDATE ${t} SET note = note WHERE 1 = 0`, write: true },
        { needs: "DELETE", statement: `DELETE FROM ${t} WHERE 1 = 0`, write: true },
    ];
    return family === "postgres"
        ? [
              ...common,
              { needs: "TRUNCATE", statement: `TRUNCATE ${t}`, write: true },
              { needs: "CREATE", statement: "CREATE SCHEMA rds_iam_probe_schema", write: true },
          ]
        : common;
}

/** The statements creating the probe table, run as the master in the user's database. */
export function probeTableStatements(family: EngineFamily): string[] {
    return family === "postgres"
        ? [`CREATE TABLE IF NOT EXISTS public.${PROBE_TABLE} (id serial PRIMARY KEY, note text)`]
        : [`CREATE TABLE IF NOT EXISTS ${PROBE_TABLE} (id int AUTO_INCREMENT PRIMARY KEY, note text)`];
}

/** Expands the vocabulary's ALL into what the probes can tell apart. */
function holds(privileges: readonly string[], needs: string): boolean {
    if (privileges.includes(needs)) return true;
    // ALL means every table privilege (PostgreSQL) or every database privilege (MySQL); not CREATE on PostgreSQL.
    return privileges.includes("ALL") && needs !== "CREATE";
}

/** The two probes for a user with these privileges: the first it holds (or a bare login), the first it lacks. */
export function chooseProbes(family: EngineFamily, privileges: readonly string[]): Candidate[] {
    const all = candidates(family);
    const allowed = all.find((c) => holds(privileges, c.needs)) ?? {
        needs: "login",
        statement: "SELECT 1",
        write: false,
    };
    const refused = all.find((c) => !holds(privileges, c.needs));
    return refused === undefined ? [allowed] : [allowed, refused];
}

/** Runs SQL on an open connection of the logged-in user; rejects with the server's error. */
export type RunSql = (sql: string) => Promise<unknown>;

export async function runProbes(
    family: EngineFamily,
    privileges: readonly string[],
    run: RunSql,
): Promise<Probe[]> {
    const probes: Probe[] = [];
    for (const candidate of chooseProbes(family, privileges)) {
        const expected =
            candidate.needs === "login" || holds(privileges, candidate.needs) ? "succeeds" : "refused";
        let observed: Probe["observed"] = "succeeds";
        let detail = "";
        try {
            if (candidate.write) await run(family === "postgres" ? "BEGIN" : "START TRANSACTION");
            await run(candidate.statement);
        } catch (e) {
            observed = "refused";
            detail = (e as Error).message;
        } finally {
            if (candidate.write) await run("ROLLBACK").catch(() => undefined);
        }
        probes.push({ statement: candidate.statement, needs: candidate.needs, expected, observed, detail });
    }
    return probes;
}
