/**
 * Runs a printed command line in a real shell with stand-ins for the programs it calls, and reports
 * what each stand-in received: its argv and the password variables. Shows how a shell really reads
 * a line (quoting, `"$(…)"`, redirections) rather than how we meant it.
 */
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface ShellRun {
    readonly status: number | null;
    readonly stderr: string;
    /** One entry per stand-in run: program name, then `arg:<word>` lines, then the password variables. */
    readonly calls: string[][];
    /** Files the line left in its working directory (a redirection would create one). */
    readonly files: string[];
}

const RECORDER = `#!/bin/sh
{
  printf 'program:%s\\n' "$(basename "$0")"
  for a in "$@"; do printf 'arg:%s\\n' "$a"; done
  printf 'MYSQL_PWD:%s\\n' "\${MYSQL_PWD-<unset>}"
  printf 'PGPASSWORD:%s\\n' "\${PGPASSWORD-<unset>}"
  printf '%s\\n' '--'
} >> "$SHELL_RUN_RECORD"
`;

/** A token printer: prints `signed(<its arguments>)`, so the token shows which command made it. */
const SIGNER = `#!/bin/sh
printf 'signed(%s)' "$*"
`;

/**
 * Runs `line` with bash in a fresh directory. `recorders` are stand-ins that record their call;
 * `signers` print a token. Nothing else is on PATH but the system's own tools.
 */
export function runShellLine(line: string, recorders: string[], signers: string[]): ShellRun {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-shell-"));
    try {
        const bin = path.join(root, "bin");
        const cwd = path.join(root, "cwd");
        fs.mkdirSync(bin);
        fs.mkdirSync(cwd);
        for (const name of recorders) fs.writeFileSync(path.join(bin, name), RECORDER, { mode: 0o755 });
        for (const name of signers) fs.writeFileSync(path.join(bin, name), SIGNER, { mode: 0o755 });
        const record = path.join(root, "record");
        // stdin from /dev/null: on a socket (node's default pipe) Debian's bash sources ~/.bashrc.
        const stdio: childProcess.StdioOptions = ["ignore", "pipe", "pipe"];
        const syntax = childProcess.spawnSync("bash", ["-n", "-c", line], { encoding: "utf8", stdio });
        if (syntax.status !== 0)
            return { status: syntax.status, stderr: syntax.stderr, calls: [], files: [] };
        const result = childProcess.spawnSync("bash", ["-c", line], {
            cwd,
            encoding: "utf8",
            stdio,
            env: { PATH: `${bin}:/usr/bin:/bin`, SHELL_RUN_RECORD: record },
            timeout: 20_000,
        });
        const text = fs.existsSync(record) ? fs.readFileSync(record, "utf8") : "";
        const calls = text
            .split("--\n")
            .filter((chunk) => chunk !== "")
            .map((chunk) => chunk.replace(/\n$/, "").split("\n"));
        return { status: result.status, stderr: result.stderr, calls, files: fs.readdirSync(cwd) };
    } finally {
        fs.rmSync(root, { recursive: true, force: true });
    }
}
