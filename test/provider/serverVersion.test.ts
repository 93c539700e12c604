import * as assert from "node:assert/strict";
import type { Row, Session } from "../../components/provider/connection";
import type { UserSpec } from "../../components/provider/dialect";
import { postgresDialect } from "../../components/provider/postgres/dialect";
import { POSTGRES_MAJORS, getServer } from "../../local/servers";
import { assertMasterKeepsPasswordLogin, createVia, removeAsSuperuser } from "../support/providerHarness";

/**
 * rds-iam supports PostgreSQL 15 and later: before 15 PUBLIC may CREATE in schema public, so an IAM
 * user granted only SELECT could still create tables (PostgreSQL 15 release notes, "Remove PUBLIC
 * creation permission on the public schema"). The provider learns the version only when it
 * connects; no PostgreSQL 14 server is at hand, so a session that answers like one stands in.
 */
function serverAnswering(versionNum: number, version: string): { session: Session; sent: string[] } {
    const sent: string[] = [];
    const session: Session = {
        database: "appdb",
        once: (_key, read) => read(),
        async query(sql: string): Promise<Row[]> {
            sent.push(sql);
            if (sql.includes("server_version_num")) return [{ version: versionNum, name: version }];
            throw new Error(`a PostgreSQL ${version} server was sent ${sql}`);
        },
        onDatabase: () => Promise.reject(new Error("no other database")),
    };
    return { session, sent };
}

const USER: UserSpec = { username: "app_ro", database: "appdb", privileges: ["SELECT"], master: "dbmaster" };

describe("the PostgreSQL server's version at run time", function () {
    this.timeout(60_000);

    for (const [operation, what] of [
        ["create", "create a user"],
        ["changePrivileges", "change privileges"],
    ] as const) {
        it(`refuses to ${what} on PostgreSQL 14, naming the minimum and why, having sent only the version query`, async () => {
            const { session, sent } = serverAnswering(140011, "14.11");
            const run =
                operation === "create"
                    ? postgresDialect.create(session, USER)
                    : postgresDialect.changePrivileges(session, USER, []);
            await assert.rejects(run, {
                message:
                    "the server runs PostgreSQL 14.11, older than rds-iam supports (15 or later): before 15 every role (PUBLIC) " +
                    "may CREATE in schema public, so a user granted only SELECT could still create tables there (PostgreSQL 15 " +
                    'release notes). Nothing was changed. Upgrade the database to 15 or later (Database engineVersion "17"), then ' +
                    "run pulumi up again.",
            });
            assert.deepEqual(sent, [
                "SELECT current_setting('server_version_num')::int AS version, current_setting('server_version') AS name",
            ]);
        });
    }

    it("does not refuse a delete on PostgreSQL 14 for its version: it goes on to look the user up, so such a stack can be destroyed", async () => {
        const { session, sent } = serverAnswering(140011, "14.11");
        await assert.rejects(
            postgresDialect.drop(session, USER),
            /a PostgreSQL 14\.11 server was sent SELECT to_json\(dropped_role\) AS role/,
        );
        assert.equal(sent.length, 2);
    });

    for (const major of POSTGRES_MAJORS) {
        it(`accepts PostgreSQL ${major}`, async () => {
            const server = await getServer(`postgres${major}`);
            try {
                const { outs } = await createVia(server, "version_user", { privileges: ["SELECT"] });
                assert.equal(outs.iamAuthentication, true);
            } finally {
                await removeAsSuperuser(server, "version_user");
                await assertMasterKeepsPasswordLogin(server);
            }
        });
    }
});
