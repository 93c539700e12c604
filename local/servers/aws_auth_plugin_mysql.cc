/*
 * Test stand-in for RDS's AWSAuthenticationPlugin on a throwaway MySQL 8.0 server: the MySQL build
 * of aws_auth_plugin.c (the MariaDB one), against rds-iam's own ABI declarations
 * (mysql_plugin_abi.h) since no binary package ships MySQL's plugin headers.
 *
 * Like RDS, the client sends the IAM token in clear text (mysql_clear_password, so TLS is needed)
 * and the user's authentication string must be 'RDS' (IDENTIFIED WITH AWSAuthenticationPlugin AS
 * 'RDS'; IDENTIFIED ... BY '<password>' is refused). The decision is not made here: the plugin
 * asks the test process over a UNIX socket (path in $RDS_IAM_LOGIN_SOCKET) with
 *   user \0 client-host \0 token \0
 * and accepts only on a reply line starting with "ALLOW". Any error or a 2 s timeout denies.
 */
#include "mysql_plugin_abi.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int write_all(int fd, const void *buf, size_t len) {
  const char *p = static_cast<const char *>(buf);
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n <= 0) return -1;
    p += n;
    len -= static_cast<size_t>(n);
  }
  return 0;
}

static int ask_decider(const char *user, size_t user_len, const char *host, size_t host_len,
                       const unsigned char *token, size_t token_len) {
  const char *path = getenv("RDS_IAM_LOGIN_SOCKET");
  struct sockaddr_un addr;
  char reply[256];
  size_t got = 0;
  int fd, allowed = 0;

  if (path == NULL || strlen(path) >= sizeof(addr.sun_path)) return 0;
  fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  memset(&addr, 0, sizeof(addr));
  addr.sun_family = AF_UNIX;
  strcpy(addr.sun_path, path);
  if (connect(fd, reinterpret_cast<struct sockaddr *>(&addr), sizeof(addr)) == 0 &&
      write_all(fd, user, user_len) == 0 && write_all(fd, "", 1) == 0 &&
      write_all(fd, host, host_len) == 0 && write_all(fd, "", 1) == 0 &&
      write_all(fd, token, token_len) == 0 && write_all(fd, "", 1) == 0 &&
      shutdown(fd, SHUT_WR) == 0) {
    struct pollfd pfd = {fd, POLLIN, 0};
    while (got < sizeof(reply) - 1 && poll(&pfd, 1, 2000) == 1) {
      ssize_t n = read(fd, reply + got, sizeof(reply) - 1 - got);
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    reply[got] = '\0';
    allowed = strncmp(reply, "ALLOW", 5) == 0;
  }
  close(fd);
  return allowed;
}

static int is_rds(const char *s, unsigned long len) { return len == 3 && memcmp(s, "RDS", 3) == 0; }

static int authenticate(MYSQL_PLUGIN_VIO *vio, MYSQL_SERVER_AUTH_INFO *info) {
  unsigned char *packet;
  int len = vio->read_packet(vio, &packet);
  if (len < 0) return CR_ERROR;
  info->password_used = PASSWORD_USED_YES;
  if (!is_rds(info->auth_string, info->auth_string_length)) return CR_ERROR;
  if (len > 0 && packet[len - 1] == '\0') len--; /* mysql_clear_password sends a C string */
  if (len == 0) return CR_ERROR;
  return ask_decider(info->user_name, info->user_name_length, info->host_or_ip,
                     info->host_or_ip_length, packet, static_cast<size_t>(len))
             ? CR_OK
             : CR_ERROR;
}

/* IDENTIFIED WITH AWSAuthenticationPlugin BY '<password>': there is no password to hash. */
static int generate(char *, unsigned int *, const char *, unsigned int) { return 1; }

/* IDENTIFIED WITH AWSAuthenticationPlugin AS '<string>': only 'RDS', as RDS documents it. */
static int validate(char *const in, unsigned int len) { return is_rds(in, len) ? 0 : 1; }

static int set_salt(const char *, unsigned int, unsigned char *, unsigned char *salt_len) {
  *salt_len = 0;
  return 0;
}

static struct st_mysql_auth aws_auth_handler = {
    MYSQL_AUTHENTICATION_INTERFACE_VERSION,
    "mysql_clear_password",
    authenticate,
    generate,
    validate,
    set_salt,
    AUTH_FLAG_USES_INTERNAL_STORAGE,
    NULL,
};

RDS_IAM_PLUGIN_EXPORT int _mysql_plugin_interface_version_ = MYSQL_PLUGIN_INTERFACE_VERSION;
RDS_IAM_PLUGIN_EXPORT int _mysql_sizeof_struct_st_plugin_ = sizeof(struct st_mysql_plugin);
RDS_IAM_PLUGIN_EXPORT struct st_mysql_plugin _mysql_plugin_declarations_[] = {
    {MYSQL_AUTHENTICATION_PLUGIN, &aws_auth_handler, "AWSAuthenticationPlugin", "rds-iam tests",
     "Test stand-in for RDS IAM authentication", PLUGIN_LICENSE_GPL, NULL, NULL, NULL, 0x0100, NULL,
     NULL, NULL, 0},
    {0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, 0, NULL, NULL, NULL, 0},
};
