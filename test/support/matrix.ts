/**
 * The provider matrix in tests: servers this machine cannot run (MySQL 8.0 when its binaries cannot
 * be fetched) make their tests pending with the reason, said once, never passed; and what the
 * MySQL-family servers (MariaDB, MySQL) show of an account, per server.
 */
import { ServerName, ServerUnavailableError, ThrowawayServer, getServer } from "../../local/servers";

/** Whether a matrix server speaks MySQL's dialect (MariaDB or MySQL). */
export function isMysqlFamily(name: ServerName): boolean {
    return name === "mariadb" || name.startsWith("mysql");
}

const said = new Set<string>();

/**
 * The server, started by `start` (getServer by default); when the machine cannot run it, the test
 * — or, from a `before` hook, every test of the suite — is marked pending and the reason printed once.
 */
export async function serverOrSkip(
    ctx: Mocha.Context,
    name: ServerName,
    start: (name: ServerName) => Promise<ThrowawayServer> = (n) => getServer(n),
): Promise<ThrowawayServer> {
    try {
        return await start(name);
    } catch (e) {
        if (!(e instanceof ServerUnavailableError)) throw e;
        if (!said.has(e.message)) {
            said.add(e.message);
            console.log(`      pending (${name}): ${e.message}`);
        }
        ctx.skip();
    }
}

/** The servers of `names` this machine can run (the others' reasons printed once). */
export async function availableServers(names: readonly ServerName[]): Promise<ThrowawayServer[]> {
    const servers: ThrowawayServer[] = [];
    for (const name of names) {
        try {
            servers.push(await getServer(name));
        } catch (e) {
            if (!(e instanceof ServerUnavailableError)) throw e;
            if (!said.has(e.message)) {
                said.add(e.message);
                console.log(`      left out (${name}): ${e.message}`);
            }
        }
    }
    return servers;
}

/**
 * An account 'user'@'%' as the superuser sees it: SHOW GRANTS; on MySQL led by SHOW CREATE USER,
 * since MySQL's SHOW GRANTS leaves the login out (MariaDB's first line carries it).
 */
export async function accountGrants(server: ThrowawayServer, username: string): Promise<string[]> {
    const grants = (await server.inspect("SHOW GRANTS FOR ?@'%'", [username])).map((r) =>
        String(Object.values(r)[0]),
    );
    if (server.engine !== "mysql") return grants;
    const [created] = await server.inspect("SHOW CREATE USER ?@'%'", [username]);
    return [String(Object.values(created)[0]), ...grants];
}

/** What accountGrants shows for an unlocked IAM user holding exactly `grants` beyond its login. */
export function iamAccountGrants(server: ThrowawayServer, username: string, grants: string[]): string[] {
    const account = `\`${username}\`@\`%\``;
    if (server.engine === "mysql") {
        return [
            `CREATE USER ${account} IDENTIFIED WITH 'AWSAuthenticationPlugin' AS 'RDS' REQUIRE SSL PASSWORD EXPIRE DEFAULT ACCOUNT UNLOCK PASSWORD HISTORY DEFAULT PASSWORD REUSE INTERVAL DEFAULT PASSWORD REQUIRE CURRENT DEFAULT`,
            `GRANT USAGE ON *.* TO ${account}`,
            ...grants,
        ];
    }
    return [
        `GRANT USAGE ON *.* TO ${account} IDENTIFIED VIA AWSAuthenticationPlugin USING 'RDS' REQUIRE SSL`,
        ...grants,
    ];
}
