#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing: PostgreSQL and MariaDB
# server binaries (the suite starts its own throwaway servers), the MariaDB server plugin headers
# and gcc (to build the test AWSAuthenticationPlugin), openssl (self-signed test certificates).
set -euo pipefail
missing=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
command -v mariadbd >/dev/null 2>&1 || missing+=(mariadb-server)
[ -f /usr/include/mariadb/server/mysql/plugin_auth.h ] || missing+=(libmariadbd-dev)
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing system packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
