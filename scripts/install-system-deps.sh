#!/usr/bin/env bash
# The Debian packages the throwaway database servers need, checked before `npm test` and
# `npm run local` (package.json pretest/prelocal) and in CI:
#   postgresql       PostgreSQL 15 with LDAP (the emulated IAM login); 16 and 17 come from npm
#   mariadb-server   the MariaDB stand-in for RDS MySQL/MariaDB
#   libmariadbd-dev  MariaDB's plugin headers, to build the test AWSAuthenticationPlugin
#   gcc              to compile that plugin
#   openssl          self-signed certificates for the servers' TLS
#   chromium         to look at the access report as a person would (one screenshot-tested check)
# As root, missing packages are installed with apt-get (saying which and why); as anyone else the
# one command that installs them is printed and the run stops.
set -euo pipefail
missing=()
[ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql)
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
[ -f /usr/include/mariadb/server/mysql/plugin_auth.h ] || missing+=(libmariadbd-dev)
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "rds-iam: the test servers need Debian packages that are missing: ${missing[*]}" >&2
    echo "rds-iam: install them once with:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
echo "rds-iam: installing ${missing[*]} with apt-get: the suite starts its own throwaway PostgreSQL and MariaDB servers (see scripts/install-system-deps.sh)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "rds-iam: installed ${missing[*]}"
