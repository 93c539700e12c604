/**
 * The access report as one self-contained HTML page a reviewer opens: the picture (inline SVG),
 * the principals, every login expected and observed with the IAM emulator's reason, what each
 * allowed login could and could not do, and the policy pack's findings. No external resources.
 */
import { AccessReport, mismatches } from "./model";

function escape(text: string): string {
    return text.replace(
        /[&<>"']/g,
        (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
    );
}

function table(
    headers: readonly string[],
    rows: readonly (readonly string[])[],
    classes: readonly string[] = [],
): string {
    const head = headers.map((h) => `<th>${escape(h)}</th>`).join("");
    const body = rows
        .map(
            (cells, i) =>
                `<tr class="${classes[i] ?? ""}">${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`,
        )
        .join("\n");
    return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const STYLE = `
body { font-family: Helvetica, Arial, sans-serif; margin: 2rem; color: #111827; }
h1 { margin-bottom: 0.2rem; } h1 code { font-size: inherit; } h2 { margin-top: 2rem; border-bottom: 1px solid #e5e7eb; }
.meta { color: #4b5563; }
.verdict { display: inline-block; padding: 0.3rem 0.8rem; border-radius: 0.4rem; font-weight: bold; }
.verdict.ok { background: #dcfce7; color: #166534; } .verdict.bad { background: #fee2e2; color: #991b1b; }
table { border-collapse: collapse; margin-top: 0.5rem; font-size: 0.9rem; }
th, td { border: 1px solid #d1d5db; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f3f4f6; } tr.mismatch td { background: #fee2e2; }
.allowed { color: #166534; font-weight: bold; } .denied { color: #6b7280; font-weight: bold; }
.reason, .detail { color: #4b5563; font-size: 0.8rem; }
.graph svg { max-width: 100%; height: auto; }
code { font-size: 0.85rem; }
`;

export function accessReportHtml(report: AccessReport, svg: string): string {
    const problems = mismatches(report);
    const mandatory = report.findings.filter((f) => f.enforcement === "mandatory");
    const verdict =
        problems.length === 0 && mandatory.length === 0
            ? `<span class="verdict ok">Every login and statement went as the stack says; no mandatory policy finding</span>`
            : `<span class="verdict bad">${problems.length} mismatch(es), ${mandatory.length} mandatory finding(s)</span>`;
    const principals = table(
        [
            "workload",
            "service",
            "IAM role",
            "instance profile",
            "IAM users and groups with the same policy",
            "may log in as",
            "through",
        ],
        report.principals.map((p) => [
            escape(p.name),
            escape(p.service),
            `<code>${escape(p.roleArn)}</code>`,
            escape(p.instanceProfile ?? "—"),
            escape(
                [...p.iamUsers.map((u) => `user ${u}`), ...p.iamGroups.map((g) => `group ${g}`)].join(", ") ||
                    "—",
            ),
            escape(p.grants.join(", ")),
            escape(
                p.via === "proxy" ? `the RDS Proxy (${report.proxy?.resourceId ?? "prx-…"})` : "the database",
            ),
        ]),
    );
    const users = table(
        ["database user", "privileges"],
        report.users.map((u) => [escape(u.username), escape(u.privileges.join(", ") || "login only")]),
    );
    const logins = table(
        [
            "principal",
            "database user",
            "endpoint",
            "expected",
            "observed",
            "why (IAM emulator)",
            "what the login could do",
        ],
        report.logins.map((l) => [
            escape(l.principal),
            escape(l.user),
            escape(l.through === "proxy" ? "RDS Proxy" : "database"),
            `<span class="${l.expected}">${l.expected}</span>`,
            `<span class="${l.observed}">${l.observed}</span>`,
            `<span class="reason">${escape(l.reason)}</span>`,
            l.probes.length === 0
                ? "—"
                : l.probes
                      .map(
                          (p) =>
                              `<code>${escape(p.statement)}</code> (${escape(p.needs)}): <b>${p.observed === "succeeds" ? "allowed" : "refused"}</b>` +
                              (p.expected === p.observed
                                  ? ""
                                  : ` <b>— expected ${p.expected === "succeeds" ? "allowed" : "refused"}</b>`) +
                              (p.detail ? ` <span class="detail">${escape(p.detail)}</span>` : ""),
                      )
                      .join("<br>"),
        ]),
        report.logins.map((l) =>
            l.expected !== l.observed || l.probes.some((p) => p.expected !== p.observed) ? "mismatch" : "",
        ),
    );
    const proxy =
        report.proxy === undefined
            ? ""
            : `<h2>RDS Proxy</h2><p class="meta">Endpoint <code>${escape(report.proxy.endpoint)}</code> (resource id <code>${escape(report.proxy.resourceId)}</code>), end-to-end IAM: clients sign tokens for the proxy endpoint, and the proxy logs into the database with its own role <code>${escape(report.proxy.roleArn)}</code>, which may connect as ${escape(report.proxy.users.join(", ") || "no user")}. Every principal was also tried through the proxy, against the local RDS Proxy that checks what the real one checks.</p>`;
    const findings =
        report.findings.length === 0
            ? "<p>No finding: every rule of the pack passes.</p>"
            : table(
                  ["rule", "level", "finding"],
                  report.findings.map((f) => [escape(f.rule), escape(f.enforcement), escape(f.message)]),
              );
    return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>rds-iam access report: stack ${escape(report.stack)}</title>
<style>${STYLE}</style></head>
<body>
<h1>Who can log in to which database user: stack <code>${escape(report.stack)}</code></h1>
<p class="meta">${escape(report.engine)} in ${escape(report.region)}, database <code>${escape(report.database.address)}</code> (resource id <code>${escape(report.database.resourceId)}</code>, database <code>${escape(report.database.name)}</code>); configuration from <code>${escape(report.stackFile)}</code>; users created through ${escape(report.sqlRunner)}. Rehearsed without AWS: throwaway servers with RDS's privilege model, IAM tokens from @aws-sdk/rds-signer checked by the IAM login emulator.</p>
<p>${verdict}</p>
<h2>The picture</h2>
<div class="graph">${svg.replace(/^<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>\s*)?/, "")}</div>
<h2>Principals</h2>${principals}
${proxy}
<h2>Database users</h2>${users}
<h2>Logins: every principal × every user</h2>
<p class="meta">"outsider" is a principal with no policy at all: it shows what anyone else in the account gets.</p>
${logins}
<h2>Policy pack findings</h2>${findings}
</body></html>
`;
}
