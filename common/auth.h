/* auth.h - where a program's Redis password comes from, and keeping it out of `ps`.
 * Sources, strongest first: the file named by --redis-password-file (or BLIP_REDIS_PASSWORD_FILE),
 * the REDIS_PASSWORD environment variable, the password inside REDIS_URL / --redis. The file and
 * the variable replace the URL's password and keep its user name (redis://blip:@host names the
 * ACL user only). A URL on the command line is readable by every local user through `ps` until
 * auth_scrub_argv() has run, so the file or the variable is the safe way to pass a password.
 * auth_password_text() and auth_scrub_url() are pure; auth_apply() reads the file. */
#ifndef BLIP_AUTH_H
#define BLIP_AUTH_H
#include <stddef.h>

#include "url.h"

#define AUTH_ENV_PASSWORD "REDIS_PASSWORD"     /* the password itself */
#define AUTH_ENV_FILE "BLIP_REDIS_PASSWORD_FILE" /* the file, as --redis-password-file */
#define AUTH_FILE_FLAG "redis-password-file"
#define AUTH_FILE_HELP                                                                             \
    "read the Redis password from FILE (one line); beats REDIS_PASSWORD and the URL's password"
#define AUTH_PATH_MAX 4096 /* longest password file name */

/* The option row every program puts in its cfg table, storing the file name (a const char *)
 * at `offset`. */
#define AUTH_CFG_OPT(offset)                                                                       \
    {AUTH_FILE_FLAG, CFG_STRING, (offset), AUTH_ENV_FILE, "FILE", AUTH_FILE_HELP, 0,             \
     AUTH_PATH_MAX, NULL, NULL}

/* Takes the contents of a password file text[0..len): one trailing "\n" or "\r\n" is dropped.
 * Refuses an empty password, a NUL byte or a line break inside it, and more than
 * URL_PASSWORD_MAX bytes. Returns 0 with the password in out (cap bytes with the NUL), or -1
 * with the reason in err; the reason never quotes the password. */
int auth_password_text(const char *text, size_t len, char *out, size_t cap, char *err,
                       size_t errlen);

/* Sets u->password from password_file (NULL: none) or else from REDIS_PASSWORD in envp (an
 * empty variable counts as unset), leaving the URL's own password when neither is given.
 * Returns 0, or -1 with a one-line reason (the file cannot be read or is refused). */
int auth_apply(struct redis_url *u, const char *password_file, char *const *envp, char *err,
               size_t errlen);

/* Overwrites the password inside a redis:// URL found in s (a whole argument such as
 * "redis://u:pw@h" or "--redis=redis://:pw@h") with '*', in place. Returns how many bytes it
 * masked. */
size_t auth_scrub_url(char *s);

/* auth_scrub_url() on argv[1..argc), so /proc/PID/cmdline and `ps` stop showing a password
 * given on the command line. Call it once the flags have been parsed. */
void auth_scrub_argv(int argc, char **argv);
#endif
