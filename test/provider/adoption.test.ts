import * as assert from "node:assert/strict";
import { databaseUserProvider as provider } from "../../components/provider/provider";
import { PROVIDER_MATRIX, ThrowawayServer } from "../../local/servers";
import { userInputs } from "../../local/servers/userInputs";
import {
    assertMasterKeepsPasswordLogin,
    inAppDb,
    removeAsSuperuser,
    serverWithTable,
} from "../support/providerHarness";
import { accountGrants, iamAccountGrants, isMysqlFamily, serverOrSkip } from "../support/matrix";

/** Adopted users end with exactly IAM login and exactly the declared privileges — or adopt refuses. */
async function adopt(server: ThrowawayServer, username: string, privileges: string[]) {
    const inputs = (await provider.check!({}, userInputs(server, username, { privileges, adopt: true })))
        .inputs;
    return provider.create(inputs);
}

for (const name of PROVIDER_MATRIX) {
    describe(`adopting an existing user on ${name}`, function () {
        this.timeout(60_000);
        let server: ThrowawayServer;
        before(async function () {
            server = await serverOrSkip(this, name, serverWithTable);
        });
        afterEach(async () => {
            await assertMasterKeepsPasswordLogin(server);
            for (const u of ["adoptee", "app_group", "member_one", "other_owner"])
                await removeAsSuperuser(server, u);
        });

        if (isMysqlFamily(name)) {
            it("removes a password, ALL ON *.*, other databases' grants and a second password account", async () => {
                await server.inspect("CREATE USER 'adoptee'@'%' IDENTIFIED BY 'old-password'");
                await server.inspect("CREATE USER 'adoptee'@'127.0.0.1' IDENTIFIED BY 'other-password'");
                // On MySQL 8.0 the RDS master lacks SYSTEM_USER (RDS User Guide, "Master user account
                // privileges"), so ALL ON *.* would make an account it cannot touch, and one it could never
                // have made: the global grant is the master's own, as a real adoptee's would be.
                if (server.engine === "mysql")
                    await server.query(
                        "GRANT SELECT, INSERT, PROCESS ON *.* TO 'adoptee'@'%' WITH GRANT OPTION",
                    );
                else await server.inspect("GRANT ALL PRIVILEGES ON *.* TO 'adoptee'@'%' WITH GRANT OPTION");
                await server.inspect("GRANT DROP ON mysql.* TO 'adoptee'@'%'");
                const created = await adopt(server, "adoptee", ["SELECT"]);
                assert.deepEqual(
                    [
                        created.outs.iamAuthentication,
                        created.outs.unmanagedPrivileges,
                        created.outs.privileges,
                    ],
                    [true, [], ["SELECT"]],
                );
                assert.deepEqual(
                    await accountGrants(server, "adoptee"),
                    iamAccountGrants(server, "adoptee", ["GRANT SELECT ON `appdb`.* TO `adoptee`@`%`"]),
                );
                assert.deepEqual(await server.inspect("SELECT Host FROM mysql.user WHERE User = 'adoptee'"), [
                    { Host: "%" },
                ]);
            });
        } else {
            it("removes a password, CREATEDB/CREATEROLE, memberships and direct grants of a role the master made", async () => {
                await server.query("CREATE ROLE adoptee LOGIN CREATEDB CREATEROLE PASSWORD 'old-password'");
                await server.query("GRANT CREATE ON DATABASE appdb TO adoptee");
                await inAppDb(server, "GRANT DELETE, TRUNCATE ON public.orders TO adoptee");
                await server.query("GRANT pg_read_all_settings TO adoptee").catch(() => undefined); // 15: allowed
                const created = await adopt(server, "adoptee", ["SELECT"]);
                assert.deepEqual(
                    [
                        created.outs.iamAuthentication,
                        created.outs.unmanagedPrivileges,
                        created.outs.privileges,
                    ],
                    [true, [], ["SELECT"]],
                );
                assert.deepEqual(
                    await server.inspect(
                        `SELECT rolcanlogin, rolpassword IS NULL AS no_password, rolcreatedb, rolcreaterole,
                            ARRAY(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = a.oid) AS member_of
                         FROM pg_authid a WHERE rolname = 'adoptee'`,
                    ),
                    [
                        {
                            rolcanlogin: true,
                            no_password: true,
                            rolcreatedb: false,
                            rolcreaterole: false,
                            member_of: ["rds_iam"],
                        },
                    ],
                );
                assert.deepEqual(
                    await inAppDb(
                        server,
                        `SELECT has_table_privilege('adoptee', 'public.orders', 'DELETE') AS del,
                            has_table_privilege('adoptee', 'public.orders', 'SELECT') AS sel,
                            has_database_privilege('adoptee', 'appdb', 'CREATE') AS create`,
                    ),
                    [{ del: false, sel: true, create: false }],
                );
            });

            it("refuses a role whose grants the master cannot take back, listing them, and changes nothing", async () => {
                // Another administrator's default privileges for the role: only members of other_owner may revoke them.
                await server.query("CREATE ROLE adoptee LOGIN PASSWORD 'old-password'");
                await server.inspect("CREATE ROLE other_owner NOLOGIN");
                await server.inspect(
                    "ALTER DEFAULT PRIVILEGES FOR ROLE other_owner IN SCHEMA public GRANT SELECT ON TABLES TO adoptee",
                    [],
                    server.database,
                );
                const error = await adopt(server, "adoptee", []).then(
                    () => assert.fail("adopt must be refused"),
                    (e: Error) => e,
                );
                assert.equal(
                    error.message,
                    'cannot take over database user "adoptee": it would have to lose default SELECT on new objects of other_owner in schema "public", which the master cannot remove. Nothing was changed. Remove them as an administrator, or choose another username.',
                );
                assert.deepEqual(
                    await server.inspect(
                        "SELECT rolpassword IS NOT NULL AS has_password, pg_has_role('adoptee', 'rds_iam', 'MEMBER') AS iam FROM pg_authid WHERE rolname = 'adoptee'",
                    ),
                    [{ has_password: true, iam: false }],
                );
            });

            it("refuses a group role (NOLOGIN) the master belongs to: its members would be switched to IAM", async () => {
                await server.query("CREATE ROLE app_group NOLOGIN");
                await server.query(`GRANT app_group TO ${server.master.username}`);
                await assert.rejects(adopt(server, "app_group", []), {
                    message: `cannot take over database user "app_group": it cannot log in (NOLOGIN), so it is a group role, not a user; it has members (${server.master.username}): they would inherit rds_iam and be switched to IAM login. Nothing was changed. Choose another username.`,
                });
                assert.deepEqual(
                    await server.inspect("SELECT pg_has_role('app_group', 'rds_iam', 'MEMBER') AS iam"),
                    [{ iam: false }],
                );
            });

            it("refuses a login role that has members", async () => {
                await server.query("CREATE ROLE adoptee LOGIN");
                await server.query("CREATE ROLE member_one LOGIN IN ROLE adoptee");
                await assert.rejects(adopt(server, "adoptee", []), {
                    message:
                        'cannot take over database user "adoptee": it has members (member_one): they would inherit rds_iam and be switched to IAM login. Nothing was changed. Choose another username.',
                });
            });
        }
    });
}
