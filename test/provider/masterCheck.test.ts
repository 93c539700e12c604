/**
 * The check before every PostgreSQL COMMIT (transaction.ts), now a statement that raises inside the
 * COMMIT's batch (#25.2): a change that would give the master rds_iam's privileges — which on RDS
 * switches it to IAM login and locks the deployment out — is rolled back whole, on every major the
 * suite runs; an IAM-only master (masterPassword "iam") already belongs to rds_iam, so only its
 * CONNECT is checked.
 */
import * as assert from "node:assert/strict";
import { ConnectionTarget, closeIdleSessions, withSession } from "../../components/provider/connection";
import { serverMajor, transaction } from "../../components/provider/postgres/transaction";
import { POSTGRES_MAJORS, ThrowawayServer, getServer } from "../../local/servers";
import { assertMasterKeepsPasswordLogin } from "../support/providerHarness";

for (const major of POSTGRES_MAJORS) {
    describe(`the master check before COMMIT on PostgreSQL ${major}`, function () {
        this.timeout(60_000);
        let server: ThrowawayServer;
        before(async () => {
            server = await getServer(`postgres${major}`);
        });
        after(() => closeIdleSessions());
        const target = (masterIamLogin = false): ConnectionTarget => ({
            family: "postgres",
            host: server.endpoint,
            port: server.port,
            connectHost: server.host,
            caCertificate: server.caCertificate,
            database: server.database,
            user: server.master.username,
            password: server.master.password,
            masterIamLogin,
        });

        // An IAM user the master may act for (it made it: ADMIN without INHERIT or SET on 16+).
        // Inheriting it would hand the master rds_iam's privileges: on 15 the master may even grant
        // itself rds_iam, on 16+ only such a membership (memberships.ts' trap).
        beforeEach(async () => {
            await server.inspect("CREATE ROLE check_owner LOGIN");
            await server.inspect("GRANT rds_iam TO check_owner");
            if (major >= 16)
                await server.inspect(
                    `GRANT check_owner TO ${server.master.username} WITH ADMIN TRUE, INHERIT FALSE, SET FALSE`,
                );
        });
        afterEach(async () => {
            await server.inspect("DROP ROLE IF EXISTS check_owner");
        });
        const dangerous = () =>
            major >= 16
                ? `GRANT check_owner TO ${server.master.username} WITH INHERIT TRUE, SET FALSE`
                : `GRANT rds_iam TO ${server.master.username}`;
        const inheritsIam = async () =>
            (
                await server.inspect("SELECT pg_has_role($1, 'rds_iam', 'USAGE') AS usage", [
                    server.master.username,
                ])
            )[0].usage;

        it("rolls back a change that would give the master rds_iam's privileges, sent with COMMIT in one batch", async () => {
            await assert.rejects(
                withSession(target(), async (s) =>
                    transaction(s, await serverMajor(s), [
                        "COMMENT ON ROLE check_owner IS 'changed'",
                        dangerous(),
                    ]),
                ),
                /refusing to commit: this change would give the master user the privileges of rds_iam/,
            );
            assert.equal(await inheritsIam(), false);
            const [comment] = await server.inspect(
                "SELECT shobj_description(oid, 'pg_authid') AS c FROM pg_roles WHERE rolname = 'check_owner'",
            );
            assert.equal(comment.c, null, "nothing of the refused transaction was committed");
            await assertMasterKeepsPasswordLogin(server);
        });

        it("lets an IAM-only master's change commit: it belongs to rds_iam by design, and keeps CONNECT", async () => {
            try {
                await withSession(target(true), async (s) =>
                    transaction(s, await serverMajor(s), [dangerous()]),
                );
                assert.equal(await inheritsIam(), true);
            } finally {
                await server.inspect("DROP ROLE IF EXISTS check_owner");
                if (major < 16) await server.inspect(`REVOKE rds_iam FROM ${server.master.username}`);
            }
            assert.equal(await inheritsIam(), false);
            await assertMasterKeepsPasswordLogin(server);
        });
    });
}
