/*
 * rds-iam's own declarations of the small part of the MySQL 8.0 server plugin ABI that the test
 * AWSAuthenticationPlugin (aws_auth_plugin_mysql.cc) uses. No binary package ships MySQL's plugin
 * headers, so these are written here from the ABI: the plugin descriptor the server finds through
 * three exported symbols, the authentication-plugin descriptor, the connection ("vio") the server
 * hands the plugin, and the leading members of the per-login information the server fills in.
 *
 * Layouts were checked member by member (offsetof/sizeof on x86-64 Linux) against the upstream
 * server headers; MYSQL_SERVER_AUTH_INFO is declared only up to the last member the plugin reads
 * (the server allocates it; later members exist and are not touched).
 */
#ifndef RDS_IAM_MYSQL_PLUGIN_ABI_H
#define RDS_IAM_MYSQL_PLUGIN_ABI_H

#ifdef __cplusplus
#define RDS_IAM_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))
#else
#define RDS_IAM_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/* Versions the server checks before it uses a plugin. */
#define MYSQL_PLUGIN_INTERFACE_VERSION 0x010B
#define MYSQL_AUTHENTICATION_INTERFACE_VERSION 0x0201

#define MYSQL_AUTHENTICATION_PLUGIN 7
#define PLUGIN_LICENSE_GPL 1

/* What authenticate_user returns. */
#define CR_OK -1
#define CR_ERROR 0

/* MYSQL_SERVER_AUTH_INFO.password_used, for "(using password: YES)" in the error. */
#define PASSWORD_USED_YES 1

/* The authentication string lives in mysql.user (the server stores what AS '...' says). */
#define AUTH_FLAG_USES_INTERNAL_STORAGE (1UL << 1)

/* User names are at most 32 characters of up to 3 bytes. */
#define MYSQL_USERNAME_LENGTH 96

typedef void *MYSQL_PLUGIN;

/* The generic descriptor of one plugin in a library. */
struct st_mysql_plugin {
  int type;
  void *info; /* the type-specific descriptor: struct st_mysql_auth for us */
  const char *name;
  const char *author;
  const char *descr;
  int license;
  int (*init)(MYSQL_PLUGIN);
  int (*check_uninstall)(MYSQL_PLUGIN);
  int (*deinit)(MYSQL_PLUGIN);
  unsigned int version;
  void *status_vars;  /* SHOW_VAR * */
  void **system_vars; /* SYS_VAR ** */
  void *reserved;
  unsigned long flags;
};

/* The client connection as the plugin sees it. */
typedef struct MYSQL_PLUGIN_VIO {
  /* Points *buf at the next packet from the client; returns its length, or -1. */
  int (*read_packet)(struct MYSQL_PLUGIN_VIO *vio, unsigned char **buf);
  int (*write_packet)(struct MYSQL_PLUGIN_VIO *vio, const unsigned char *packet, int length);
  void (*info)(struct MYSQL_PLUGIN_VIO *vio, void *info);
  void *read_packet_nonblocking;
  void *write_packet_nonblocking;
} MYSQL_PLUGIN_VIO;

/* What the server knows about the login being decided (leading members only, see above). */
typedef struct MYSQL_SERVER_AUTH_INFO {
  char *user_name;
  unsigned int user_name_length;
  const char *auth_string; /* the account's authentication string: 'RDS' */
  unsigned long auth_string_length;
  char authenticated_as[MYSQL_USERNAME_LENGTH + 1];
  char external_user[512];
  int password_used;
  const char *host_or_ip;
  unsigned int host_or_ip_length;
} MYSQL_SERVER_AUTH_INFO;

/* The authentication-plugin descriptor (st_mysql_plugin.info). */
struct st_mysql_auth {
  int interface_version;
  const char *client_auth_plugin; /* the client-side plugin the server asks for */
  int (*authenticate_user)(MYSQL_PLUGIN_VIO *vio, MYSQL_SERVER_AUTH_INFO *info);
  int (*generate_authentication_string)(char *out, unsigned int *out_length, const char *in,
                                        unsigned int in_length);
  int (*validate_authentication_string)(char *const in, unsigned int length);
  int (*set_salt)(const char *password, unsigned int password_length, unsigned char *salt,
                  unsigned char *salt_length);
  const unsigned long authentication_flags;
  int (*compare_password_with_hash)(const char *hash, unsigned long hash_length,
                                    const char *cleartext, unsigned long cleartext_length,
                                    int *is_error);
};

#endif
