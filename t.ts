import { getTestServers, stopTestServers, loginLog } from "./test/support/servers";
import { loginAndAsk } from "./test/support/clients";
(async () => {
  const s = await getTestServers();
  const m = s.mariadb;
  await m.query("CREATE USER 'hook_user'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL");
  console.log(await m.query("SHOW CREATE USER 'hook_user'@'%'"));
  try { console.log(await loginAndAsk(m, { user: "hook_user", password: "token-abc" })); } catch (e) { console.log("ERR", (e as Error).message); }
  console.log(loginLog);
  const tls = require("node:tls");
  try { console.log(await loginAndAsk({ ...s.postgres, endpoint: "other.example.com" }, { user: "master_admin", password: s.postgres.master.password })); } catch (e) { console.log("PGERR", (e as Error).message); }
  console.log(require("fs").readFileSync(s.mariadb.dataDir + "/../error.log", "utf8").slice(-1500));
  await stopTestServers();
})().catch(async e => { console.error("ERR", e); await stopTestServers(); process.exit(1); });
